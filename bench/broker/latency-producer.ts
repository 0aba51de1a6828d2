// Child process for the latency benchmark: a kafkajs producer in its own process, as in production,
// so its encoding work never delays the consumer being measured. It sends "warm-up" records until
// told "go" on stdin, then one record per millisecond stamped with the monotonic clock, then exits.

import readline from "node:readline";
import { monotonicMs, producerKafka } from "./latency-client.ts";

const [port, topic, seconds] = [Number(process.argv[2]), process.argv[3]!, Number(process.argv[4])];
const producer = producerKafka(port).producer();
await producer.connect();

let go = false;
const commands = readline.createInterface({ input: process.stdin });
commands.on("line", (line) => {
  if (line === "go") {
    go = true;
    commands.close();
  }
});
while (!go) {
  await producer.send({ topic, messages: [{ value: "warm-up" }] });
  await new Promise((r) => setTimeout(r, 200));
}

const total = seconds * 1000;
const start = performance.now();
let sent = 0;
const pending: Array<Promise<unknown>> = [];
await new Promise<void>((resolve) => {
  const tick = setInterval(() => {
    // Send whatever the 1,000/s schedule says is due, so timer jitter does not lower the rate, and
    // send it as one request, as a client with linger 0 does with records that arrive together:
    // each send() call has a CPU cost of its own in kafkajs, so after a scheduler stall a
    // starved producer would otherwise fall further behind instead of catching up.
    const due = Math.min(total, Math.floor(performance.now() - start));
    if (sent < due) {
      const stamp = monotonicMs().toFixed(3);
      const messages = Array.from({ length: due - sent }, () => ({ value: `${stamp} ${"x".repeat(1000)}` }));
      pending.push(producer.send({ topic, acks: -1, messages }));
      sent = due;
    }
    if (sent >= total) {
      clearInterval(tick);
      resolve();
    }
  }, 1);
});
await Promise.all(pending);
await producer.disconnect();

// Produce-to-consume latency through librdkafka: lines stamped with the monotonic clock go into a
// `kcat -P` at 1,000/s and come out of a long-polling `kcat -C`; no kafkajs CPU in the path.
// Client settings are those a latency-sensitive librdkafka user picks (KCAT_LATENCY_SETTINGS).

import { spawn } from "node:child_process";
import readline from "node:readline";
import type { BrokerProcess } from "./broker-process.ts";
import type { Latency } from "./latency.ts";
import { percentiles } from "./latency.ts";
import { monotonicMs as now } from "./latency-client.ts";

/**
 * linger.ms=0: send each line at once instead of waiting up to 5 ms to batch it.
 * socket.nagle.disable=true: librdkafka leaves Nagle's algorithm on, so with one produce request
 * unanswered (acks=-1 waits for fdatasync) the next small request sits in the client's kernel until
 * the broker's ACK arrives, which would put the client's delay into the broker's latency figures.
 */
export const KCAT_LATENCY_SETTINGS = {
  producer: ["linger.ms=0", "socket.nagle.disable=true"],
  consumer: ["socket.nagle.disable=true"],
};
const flags = (settings: string[]) => settings.flatMap((s) => ["-X", s]);

export async function kcatLatency(broker: BrokerProcess, topic: string, seconds: number): Promise<Latency> {
  const bootstrap = `${broker.host}:${broker.port}`;
  const producer = spawn(
    "kcat",
    ["-b", bootstrap, "-P", "-t", topic, ...flags(KCAT_LATENCY_SETTINGS.producer)],
    {
      stdio: ["pipe", "ignore", "ignore"],
    },
  );
  producer.stdin.write("warm-up\n");
  await new Promise((r) => setTimeout(r, 1000));
  const consumer = spawn(
    "kcat",
    [
      "-b",
      bootstrap,
      "-C",
      "-t",
      topic,
      "-o",
      "end",
      "-u",
      "-q",
      "-f",
      "%s\n",
      ...flags(KCAT_LATENCY_SETTINGS.consumer),
    ],
    {
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  const samples: number[] = [];
  let warmedUp = false;
  readline.createInterface({ input: consumer.stdout }).on("line", (line) => {
    if (line === "warm-up") warmedUp = true;
    const sentAt = Number(line.split(" ")[0]);
    if (Number.isFinite(sentAt) && sentAt > 0) samples.push(now() - sentAt);
  });
  while (!warmedUp) {
    producer.stdin.write("warm-up\n");
    await new Promise((r) => setTimeout(r, 200));
  }

  const total = seconds * 1000;
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const due = Math.min(total, Math.floor(performance.now() - start));
      for (; sent < due; sent++) producer.stdin.write(`${now().toFixed(3)} ${"z".repeat(1000)}\n`);
      if (sent >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  const deadline = Date.now() + 5000;
  while (samples.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  producer.stdin.end();
  consumer.kill("SIGTERM");
  await new Promise((r) => producer.once("exit", r));
  return percentiles(samples);
}

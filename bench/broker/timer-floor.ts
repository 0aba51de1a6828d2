// An idle Node process that only measures how late its 1 ms timer fires, then prints the result as JSON.
// Run next to a latency measurement it shows the machine's floor: no broker or client can answer faster than
// the scheduler lets its process run. It says "ready" once loaded, records from a "start" line on stdin until
// stdin closes: starting a Node process costs a few hundred ms of CPU, which must not land in the measurement.

import { type LoopDelay, recordLoopDelay } from "./loop-delay.ts";

let recording: { stop(): LoopDelay } | undefined;
process.stdin.setEncoding("utf8");
process.stdin.on("data", (text: string) => {
  if (text.includes("start")) recording ??= recordLoopDelay();
});
process.stdin.on("end", () => {
  process.stdout.write(`${JSON.stringify(recording?.stop() ?? null)}\n`);
});
process.stdout.write("ready\n");

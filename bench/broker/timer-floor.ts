// An idle Node process that only measures how late its 1 ms timer fires, until its stdin closes,
// then prints the result as JSON. Run next to a latency measurement it shows the machine's floor:
// no broker or client can answer faster than the scheduler lets its process run.

import { recordLoopDelay } from "./loop-delay.ts";

const recording = recordLoopDelay();
process.stdin.resume();
process.stdin.on("end", () => {
  process.stdout.write(`${JSON.stringify(recording.stop())}\n`);
});

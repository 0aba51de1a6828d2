// Preloaded into the benchmark's broker process (node --import): records the broker's event-loop
// delay between a "start" and a "stop" message from the benchmark and answers with the result.
// The broker itself carries no benchmark code.

import { type LoopDelay, recordLoopDelay } from "./loop-delay.ts";

export type LoopDelayMessage = { loopDelay: LoopDelay };

let recording: ReturnType<typeof recordLoopDelay> | undefined;
process.on("message", (message) => {
  if (message === "start") recording = recordLoopDelay();
  else if (message === "stop" && recording) {
    const reply: LoopDelayMessage = { loopDelay: recording.stop() };
    recording = undefined;
    process.send?.(reply);
  }
});
// The IPC channel must not keep the broker alive once it has been told to stop.
process.channel?.unref();

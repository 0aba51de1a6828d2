// Preloaded into the bench's gateway (`node --expose-gc --import ./gateway-probe.ts`), answering over IPC:
// - "memory": collects garbage, then answers with process.memoryUsage(), so "memory per idle subscriber"
//   measures what the subscribers keep alive, not how much garbage happened to be uncollected;
// - "stalls-start" / "stalls-stop": the gateway's longest event-loop stall and longest GC pause in between,
//   so a slow delivery can be told apart from a gateway that stopped to collect.
// Bench-only; the gateway never loads it.
import { PerformanceObserver } from "node:perf_hooks";
import { recordLoopDelay } from "../broker/loop-delay.ts";

export interface GatewayStalls {
  loopMaxMs: number;
  gcMaxMs: number;
  gcTotalMs: number;
}

function recordGcPauses() {
  let max = 0;
  let total = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      max = Math.max(max, entry.duration);
      total += entry.duration;
    }
  });
  observer.observe({ entryTypes: ["gc"] });
  return {
    stop() {
      observer.disconnect();
      return { max, total };
    },
  };
}

if (process.send) {
  let recording:
    | { loop: ReturnType<typeof recordLoopDelay>; gc: ReturnType<typeof recordGcPauses> }
    | undefined;
  process.on("message", (message: unknown) => {
    if (message === "memory") {
      const collect = (globalThis as { gc?: () => void }).gc;
      // Twice: the first pass can leave objects that only become unreachable once finalizers ran.
      collect?.();
      collect?.();
      process.send!({ type: "memory", usage: process.memoryUsage(), collected: collect !== undefined });
    } else if (message === "stalls-start") {
      recording = { loop: recordLoopDelay(), gc: recordGcPauses() };
    } else if (message === "stalls-stop" && recording) {
      const gc = recording.gc.stop();
      const stalls: GatewayStalls = {
        loopMaxMs: recording.loop.stop().max,
        gcMaxMs: gc.max,
        gcTotalMs: gc.total,
      };
      recording = undefined;
      process.send!({ type: "stalls", stalls });
    }
  });
  // The probe must never be what keeps the gateway alive.
  process.channel?.unref();
}

// Event-loop delay as the latency benchmark reports it: how late a 1 ms timer fires, in ms.
// Measured in the broker process and in an idle process next to it, it separates what the broker
// does from what the machine's scheduler does to every process.

import { spawn } from "node:child_process";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

export interface LoopDelay {
  p50: number;
  p99: number;
  max: number;
}

const RESOLUTION_MS = 1;

/** Starts recording; stop() returns the lateness percentiles since start. */
export function recordLoopDelay(): { stop(): LoopDelay } {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  // The histogram holds whole timer intervals in ns; lateness is what exceeds the 1 ms asked for.
  const late = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  return {
    stop() {
      histogram.disable();
      return {
        p50: late(histogram.percentile(50)),
        p99: late(histogram.percentile(99)),
        max: late(histogram.max),
      };
    },
  };
}

const timerFloorScript = path.join(path.dirname(fileURLToPath(import.meta.url)), "timer-floor.ts");

export interface TimerFloor {
  /** Begins recording. */
  start(): void;
  /** Ends the process and returns its timer lateness since start(). */
  stop(): Promise<LoopDelay>;
}

/** An idle process that measures its own timer lateness (timer-floor.ts); resolves once it has started. */
export async function spawnTimerFloor(): Promise<TimerFloor> {
  const child = spawn(process.execPath, ["--import", "tsx", timerFloorScript], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  let output = "";
  const exited = new Promise((resolve) => child.once("exit", resolve));
  await new Promise<void>((resolve, reject) => {
    child.once("exit", () => reject(new Error("the timer-floor process exited before it was ready")));
    child.stdout.on("data", (d: Buffer) => {
      output += d.toString();
      if (output.startsWith("ready\n")) {
        output = output.slice("ready\n".length);
        resolve();
      }
    });
  });
  return {
    start: () => void child.stdin.write("start\n"),
    async stop() {
      child.stdin.end();
      await exited;
      const recorded = JSON.parse(output) as LoopDelay | null;
      if (!recorded) throw new Error("the timer-floor process was stopped before it was started");
      return recorded;
    },
  };
}

// Runs the broker in its own process, as in production, so client-side encoding in the benchmark
// process never competes with the broker's event loop.

import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { LoopDelayMessage } from "./broker-loop-delay.ts";
import type { LoopDelay } from "./loop-delay.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, "../../events/broker/cli.ts");
const loopDelayProbe = path.join(here, "broker-loop-delay.ts");

export interface BrokerProcess {
  host: string;
  port: number;
  /** CPU seconds the broker process has used so far (Linux /proc; NaN elsewhere). */
  cpuSeconds(): number;
  /** Starts recording the broker's event-loop delay; stopLoopDelay() returns it. */
  startLoopDelay(): void;
  stopLoopDelay(): Promise<LoopDelay>;
  stop(): Promise<void>;
}

/** Clock ticks per second for /proc/<pid>/stat on Linux. */
const CLK_TCK = 100;

function cpuSecondsOf(pid: number | undefined): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th of them.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return Number.NaN;
  }
}

export async function spawnBroker(dataDir: string): Promise<BrokerProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--import",
      loopDelayProbe,
      cli,
      "--port",
      "0",
      "--data-dir",
      dataDir,
      "--fsync",
      process.env.BENCH_FSYNC ?? "always",
    ],
    {
      stdio: ["ignore", "pipe", "ignore", "ipc"],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      const m = /listening on [^:]+:(\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`broker exited with ${code}`)));
  });
  return {
    host: "127.0.0.1",
    port,
    cpuSeconds: () => cpuSecondsOf(child.pid),
    startLoopDelay: () => child.send("start"),
    stopLoopDelay: () =>
      new Promise((resolve) => {
        child.once("message", (m) => resolve((m as LoopDelayMessage).loopDelay));
        child.send("stop");
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

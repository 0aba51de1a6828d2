// One `npm start` on a given DATA_DIR, watched from its JSON lines: when each step happened, what each part's
// own start-up timer reported, when the gateway's /ready first answered 200, and every process's memory a
// moment after the banner. Ctrl-C ends it before this returns.
import { spawn } from "node:child_process";
import { loadavg } from "node:os";
import { createInterface } from "node:readline";
import { groupMemory, type ProcessMemory } from "./memory.ts";

export interface StartRun {
  /** Seconds from `npm start` to its "Tributary is running" line (every part healthy, demo data seeded). */
  banner: number;
  /** Seconds from `npm start` to the gateway's first 200 on /ready. */
  ready: number;
  /** The start's own steps: label → seconds from `npm start`. */
  steps: [string, number][];
  /** Each part's start-up timer (the `startupMs` of its ready line): part → step → milliseconds. */
  partSteps: Record<string, Record<string, number>>;
  memory: ProcessMemory[];
  /** 1-minute load average when the banner came. */
  load: number;
}

export interface StartOptions {
  dataDir: string;
  gatewayPort: number;
  brokerPort: number;
  env?: NodeJS.ProcessEnv;
}

/** A moment after the banner, as a developer would find the stack. */
const SETTLE_MS = 2_000;

export async function measureStart(options: StartOptions): Promise<StartRun> {
  const startedAt = performance.now();
  const since = () => (performance.now() - startedAt) / 1000;
  const child = spawn("npm", ["start"], {
    detached: true,
    env: {
      ...process.env,
      ...options.env,
      LOG_FORMAT: "json",
      DATA_DIR: options.dataDir,
      GATEWAY_PORT: String(options.gatewayPort),
      BROKER_PORT: String(options.brokerPort),
      BROKER_METRICS_PORT: "0",
    },
    stdio: ["ignore", "pipe", "ignore"],
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const steps: [string, number][] = [];
  const partSteps: Record<string, Record<string, number>> = {};
  let ready = Number.NaN;
  let polling = true;
  const pollReady = (async () => {
    while (polling && Number.isNaN(ready)) {
      const ok = await fetch(`http://127.0.0.1:${options.gatewayPort}/ready`, {
        signal: AbortSignal.timeout(1_000),
      }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) ready = since();
      else await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    await new Promise<void>((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`npm start exited (${code}) before it was running`)));
      createInterface({ input: child.stdout }).on("line", (line) => {
        let entry: {
          name?: string;
          msg?: string;
          part?: string;
          startupMs?: Record<string, number> | number;
        };
        try {
          entry = JSON.parse(line);
        } catch {
          return;
        }
        // The gateway reports one number (its whole start), a subgraph each of its steps.
        const { startupMs, name } = entry;
        if (startupMs !== undefined && name)
          partSteps[name] = typeof startupMs === "number" ? { total: startupMs } : startupMs;
        if (entry.name !== "start") return;
        if (entry.msg === "part ready") steps.push([`${entry.part} ready`, since()]);
        else if (entry.msg === "Tributary is running") {
          steps.push(["seeded, banner", since()]);
          resolve();
        } else if (entry.msg) steps.push([entry.msg.slice(0, 60), since()]);
      });
    });
    const banner = steps[steps.length - 1]![1];
    const load = loadavg()[0]!;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const memory = groupMemory(child.pid!);
    polling = false;
    await pollReady;
    return { banner, ready, steps, partSteps, memory, load };
  } finally {
    polling = false;
    process.kill(-child.pid!, "SIGINT");
    await exited;
  }
}

// Runs the load generator as a separate process on the shared core: autocannon (load-worker.ts), and wrk
// as a cross-check when Debian's wrk is installed.
import { execFile, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import type { LoadResult, LoadSpec } from "./load-worker.ts";
import { REST_CORE, ROOT } from "./processes.ts";
import { withSpecFile } from "./spec-file.ts";

const run = promisify(execFile);

export type { LoadResult, LoadSpec };

export async function autocannon(spec: LoadSpec): Promise<LoadResult> {
  const { stdout } = await withSpecFile(spec, (path) =>
    run(
      "taskset",
      ["-c", REST_CORE, process.execPath, "--import", "tsx", "bench/gateways/load-worker.ts", path],
      { cwd: ROOT, maxBuffer: 1 << 20 },
    ),
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as LoadResult;
}

export const wrkInstalled = (): boolean => spawnSync("wrk", ["--version"]).error === undefined;

export interface WrkResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
}

const LUA_STRING = (text: string) => JSON.stringify(text);

/** wrk's --latency distribution gives p50/p75/p90/p99; its text output is parsed. */
export async function wrk(spec: LoadSpec, scratchDir: string): Promise<WrkResult> {
  const script = join(scratchDir, "request.lua");
  const headers = Object.entries(spec.headers)
    .map(([name, value]) => `wrk.headers[${LUA_STRING(name)}] = ${LUA_STRING(value)}`)
    .join("\n");
  writeFileSync(script, `wrk.method = "POST"\nwrk.body = ${LUA_STRING(spec.body)}\n${headers}\n`);
  const args = ["-t1", `-c${spec.connections}`, "--latency", "-s", script, spec.url];
  if (spec.warmupSeconds > 0)
    await run("taskset", ["-c", REST_CORE, "wrk", `-d${spec.warmupSeconds}s`, ...args]);
  const { stdout } = await run("taskset", ["-c", REST_CORE, "wrk", `-d${spec.seconds}s`, ...args]);
  return parseWrk(stdout);
}

const MS_PER_UNIT: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

export function parseWrk(output: string): WrkResult {
  const latency = (p: string) => {
    const match = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, "m").exec(output);
    return match ? Number(match[1]) * (MS_PER_UNIT[match[2]!] ?? Number.NaN) : Number.NaN;
  };
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  if (/Non-2xx or 3xx responses/.test(output)) throw new Error(`wrk saw failed requests:\n${output}`);
  return { requestsPerSecond: Number(rps?.[1] ?? Number.NaN), p50: latency("50"), p99: latency("99") };
}

// Child processes pinned to a core: start, wait until they answer, measure their memory, stop them.

import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { sleep } from "../../events/backoff.ts";

export const ROOT = new URL("../../", import.meta.url).pathname;

/** The gateway gets core 0 to itself; subgraphs, broker, load generator and this process share core 1. */
export const GATEWAY_CORE = "0";
export const REST_CORE = "1";

export interface PinnedProcess {
  name: string;
  child: ChildProcess;
  /** The last lines it wrote, for the error when it dies early. */
  output(): string;
}

export function startPinned(
  name: string,
  core: string,
  command: string[],
  env: Record<string, string | undefined>,
): PinnedProcess {
  const child = spawn("taskset", ["-c", core, ...command], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return { name, child, output: outputTail(child) };
}

/** Keeps the last lines a child writes (stdout and stderr), for the error when it dies early. */
export function outputTail(child: ChildProcess): () => string {
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return () => tail;
}

/** Pins this process (and so everything it spawns without taskset) to the shared core. */
export function pinSelf(core: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const taskset = spawn("taskset", ["-cp", core, String(process.pid)], { stdio: "ignore" });
    taskset.on("error", reject);
    taskset.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`taskset exited ${code}`))));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

/** Polls `url` until it answers 2xx; fails early, with the process's output, if the process exits. */
export async function waitUntilAnswering(url: string, proc: PinnedProcess, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) {
      throw new Error(`${proc.name} exited with ${proc.child.exitCode}:\n${proc.output()}`);
    }
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`${proc.name} did not answer ${url} within ${timeoutMs} ms:\n${proc.output()}`);
}

export async function stopProcess(proc: PinnedProcess, graceMs = 5_000): Promise<void> {
  const { child } = proc;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

function childrenOf(pid: number): number[] {
  try {
    const tasks = readdirSync(`/proc/${pid}/task`);
    return tasks.flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/** Resident memory of one process, in bytes; 0 once it is gone. */
export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Clock ticks per second of /proc's CPU times (USER_HZ): 100 on every Linux Node runs on. */
const TICKS_PER_SECOND = 100;

/** User + system CPU a process (all its threads) has used so far, in ms (10 ms resolution); 0 once it is gone. */
export function cpuMsOf(pid: number): number {
  try {
    // Fields after the command (which may hold spaces, hence from the last ")"): utime is the 12th, stime the 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** `read` summed over a process and all its descendants. */
function overTree(pid: number, read: (pid: number) => number): number {
  let total = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const next = pending.pop()!;
    total += read(next);
    pending.push(...childrenOf(next));
  }
  return total;
}

/** CPU time (user + system, ms) a process and its descendants have used so far. */
export const treeCpuMs = (pid: number): number => overTree(pid, cpuMsOf);

/**
 * Resident memory of a process and all its descendants: `taskset` execs the command (same pid), but a
 * gateway may fork workers, and those count as the gateway's memory too.
 */
export const treeRss = (pid: number): number => overTree(pid, rssOf);

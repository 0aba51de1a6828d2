// CPU affinity for the bench's processes (Linux taskset), so the clients do not steal the gateway's core.
import { execFileSync } from "node:child_process";

/** Pins every thread of `pid` to `cpus` (a taskset list such as "0" or "1-3"). */
export function pinToCpus(pid: number, cpus: string): void {
  // -a: all threads; V8's and libuv's are already running by the time a child is forked.
  execFileSync("taskset", ["-a", "-p", "-c", cpus, String(pid)], { stdio: "ignore" });
}

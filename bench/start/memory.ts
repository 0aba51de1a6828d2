// PSS of every process in a process group, named by the part of `npm start` it runs. PSS (from
// /proc/<pid>/smaps_rollup) splits shared pages between the processes sharing them, where RSS counts them in
// each, so the total is what the machine really spends. Linux only.
import { readdirSync, readFileSync } from "node:fs";

export interface ProcessMemory {
  pid: number;
  part: string;
  pssKb: number;
  rssKb: number;
}

function kb(text: string, field: string): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
}

/** The part a command line runs: a subgraph (by name), the gateway, the start process, or the program. */
export function partOf(args: string[]): string {
  const script = args.find((a) => /\.(m?js|ts)$/.test(a)) ?? args[0] ?? "?";
  if (/subgraphs\.(m?js|ts)$/.test(script)) return "subgraphs (all six, one process)";
  if (/subgraph/.test(script)) return `subgraph ${args[args.length - 1]}`;
  if (/gateway/.test(script)) return "gateway";
  if (/scripts\/start/.test(script)) return "start + embedded broker";
  return args[0]?.split("/").pop() ?? "?";
}

/** Every process in the group led by `pgid`, largest PSS first. */
export function groupMemory(pgid: number): ProcessMemory[] {
  const found: ProcessMemory[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) !== pgid) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").filter(Boolean);
      const rollup = readFileSync(`/proc/${entry}/smaps_rollup`, "utf8");
      found.push({
        pid: Number(entry),
        part: partOf(args),
        pssKb: kb(rollup, "Pss"),
        rssKb: kb(rollup, "Rss"),
      });
    } catch {
      // Gone while we read it, or not ours to read.
    }
  }
  return found.sort((a, b) => b.pssKb - a.pssKb);
}

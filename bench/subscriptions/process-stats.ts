// CPU and memory of another process from /proc (Linux): the gateway runs as a child so clients do not count.
import { cpuMsOf, rssOf } from "../gateways/processes.ts";

export interface ProcessSample {
  cpuMs: number;
  rssBytes: number;
}

export function sampleProcess(pid: number): ProcessSample {
  return { cpuMs: cpuMsOf(pid), rssBytes: rssOf(pid) };
}

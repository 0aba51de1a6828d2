// The table the benchmark prints: one row per operation, the CPU column first because it is the stable one.
import { markdownTable, mermaidBars } from "../doc-section.ts";
import type { Measurement } from "./measure.ts";

export interface Row {
  operation: string;
  measurement: Measurement;
}

const pad = (text: string, width: number) => text.padStart(width);

export function table(rows: readonly Row[]): string {
  const header = [
    "operation",
    "CPU ms/req",
    "CPU cores",
    "req/s",
    "p50 ms",
    "p99 ms",
    "requests",
    "failures",
  ];
  const widths = [30, 11, 10, 9, 8, 8, 9, 9];
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[0]!) : pad(c, widths[i]!))).join(" ");
  const body = rows.map(({ operation, measurement: m }) =>
    line([
      operation,
      m.cpuMsPerRequest.toFixed(2),
      m.cpuCores.toFixed(2),
      m.requestsPerSecond.toFixed(0),
      m.p50.toFixed(1),
      m.p99.toFixed(1),
      String(m.requests),
      String(m.failures),
    ]),
  );
  return [line(header), ...body].join("\n");
}

export interface RunInfo {
  startedAt: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  rounds: number;
  loadBefore: number;
  loadAfter: number;
}

/** The docs/benchmarks.md section (--write-docs): the run, the table, CPU per request as a chart. */
export function markdownReport(rows: readonly Row[], run: RunInfo): string {
  return [
    `Run of ${run.startedAt}: ${run.rounds} round(s), ${run.connections} connections, ${run.warmupSeconds} s warm-up ` +
      `(discarded) + ${run.seconds} s measured per operation; load average (1 min) ${run.loadBefore.toFixed(1)} ` +
      `before, ${run.loadAfter.toFixed(1)} after.`,
    markdownTable(
      ["operation", "CPU ms/req", "CPU cores", "req/s", "p50 ms", "p99 ms", "requests", "failures"],
      rows.map(({ operation, measurement: m }) => [
        operation,
        m.cpuMsPerRequest.toFixed(2),
        m.cpuCores.toFixed(2),
        Math.round(m.requestsPerSecond).toLocaleString("en-US"),
        m.p50.toFixed(1),
        m.p99.toFixed(1),
        m.requests.toLocaleString("en-US"),
        String(m.failures),
      ]),
    ),
    mermaidBars(
      "Subgraph CPU per request",
      "CPU ms/req",
      rows.map(({ operation, measurement: m }) => ({ label: operation, value: m.cpuMsPerRequest })),
    ),
  ].join("\n\n");
}

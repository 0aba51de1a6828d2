// The docs/benchmarks.md section of a subscriptions run (--write-docs): the columns worth reading on one page,
// out of everything the console table prints, and the p99 per scenario as a chart.
import { markdownTable, mermaidBars } from "../doc-section.ts";

export type ScenarioRow = Record<string, string | number>;

const COLUMNS: [header: string, key: string][] = [
  ["subscribers x events/s", ""],
  ["achieved events/s", "achieved events/s"],
  ["mutation p50 / p99 ms", ""],
  ["deliveries/s", "deliveries/s"],
  ["lost", "lost"],
  ["dup.", "duplicates"],
  ["out of order", "out of order"],
  ["p50 ms", "p50 ms"],
  ["p99 ms", "p99 ms"],
  ["first delivery p99 ms", "first delivery p99 ms"],
  ["fan-out spread p99 ms", "fan-out spread p99 ms"],
  ["gateway CPU %", "gateway CPU %"],
  ["µs / delivery", "gateway CPU µs / delivery"],
  ["RSS MB", "gateway RSS MB"],
  ["KB / idle sub. (heap)", "KB / idle subscriber (heap)"],
  ["closed", "closed"],
];

const scenario = (row: ScenarioRow) =>
  `${Number(row.subscribers).toLocaleString("en-US")} x ${row["events/s"]}`;

const cell = (row: ScenarioRow, key: string) => {
  const value = row[key];
  if (typeof value === "number") return value.toLocaleString("en-US");
  return value === undefined || value === "NaN" ? "-" : value;
};

export function markdownReport(
  rows: readonly ScenarioRow[],
  run: { startedAt: string; seconds: number; warmupSeconds: number; pinned: boolean; load: string },
): string {
  return [
    `Run of ${run.startedAt}: ${run.seconds} s measured per scenario after ${run.warmupSeconds} s of warm-up events` +
      `${run.pinned ? ", gateway pinned to CPU 0 and the clients to CPU 1" : ""}; ${run.load}.`,
    markdownTable(
      COLUMNS.map(([header]) => header),
      rows.map((row) =>
        COLUMNS.map(([header, key]) => {
          if (header === "subscribers x events/s") return scenario(row);
          if (header === "mutation p50 / p99 ms")
            return `${row["mutation p50 ms"]} / ${row["mutation p99 ms"]}`;
          return cell(row, key);
        }),
      ),
    ),
    mermaidBars(
      "Mutation to delivery, p99 per scenario",
      "p99 ms",
      rows.map((row) => ({ label: scenario(row), value: Number(row["p99 ms"]) })),
    ),
  ].join("\n\n");
}

// Renders a run as Markdown tables (printed, and with --write-docs written into its docs/benchmarks.md section).
import { markdownTable as table } from "../doc-section.ts";
import { REFERENCE, type RunResults, type Summary, summarise } from "./results.ts";
import { SHAPES } from "./shapes.ts";
import { median } from "./stats.ts";
import { TARGETS } from "./targets.ts";

const fixed = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");
const whole = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "n/a");
const times = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : "n/a");

function throughputTable(summaries: Summary[]): string {
  const rows = SHAPES.flatMap((shape) =>
    TARGETS.flatMap((target) => {
      const s = summaries.find((x) => x.shape === shape.name && x.target === target.name);
      if (!s) return [];
      return [
        [
          shape.label,
          target.label,
          whole(s.requestsPerSecond),
          target.name === "subgraph" || target.name === REFERENCE ? "" : times(s.rpsRatio),
          fixed(s.p95),
          fixed(s.p99),
          target.name === "subgraph" || target.name === REFERENCE ? "" : times(s.p99Ratio),
          fixed(s.cpuMsPerRequest, 2),
          String(s.failures),
        ],
      ];
    }),
  );
  return table(
    [
      "shape",
      "gateway",
      "req/s",
      "req/s vs apollo",
      "p95 ms",
      "p99 ms",
      "p99 vs apollo",
      "gateway CPU ms/req",
      "failed",
    ],
    rows,
  );
}

function memoryTable(results: RunResults): string {
  const targets = TARGETS.filter((t) => results.rss.some((r) => r.target === t.name));
  const rounds = [...new Set(results.rss.map((r) => r.round))].sort((a, b) => a - b);
  return table(
    ["gateway", ...rounds.map((r) => `round ${r} peak RSS MB`), "median MB"],
    targets.map((t) => {
      const mine = rounds.map(
        (r) => results.rss.find((x) => x.target === t.name && x.round === r)?.bytes ?? NaN,
      );
      return [t.label, ...mine.map((b) => fixed(b / 2 ** 20, 0)), fixed(median(mine) / 2 ** 20, 0)];
    }),
  );
}

function joinTable(results: RunResults): string {
  const entries = results.joinLowLoad;
  const paired = entries.some((j) => j.overhead !== undefined);
  // Result files without pairing hold the direct calls once per round, as the `subgraph` target.
  const directs = paired
    ? entries.flatMap((j) => (j.direct === undefined ? [] : [j.direct]))
    : entries.filter((j) => j.target === "subgraph").map((j) => j.p50);
  const direct = median(directs);
  const targets = TARGETS.filter((t) => t.name !== "subgraph" && entries.some((j) => j.target === t.name));
  const rows = targets.map((t) => {
    const mine = entries.filter((j) => j.target === t.name);
    const p50 = median(mine.map((j) => j.p50));
    const overhead = paired ? median(mine.map((j) => j.overhead ?? Number.NaN)) : p50 - direct;
    const failed = mine.reduce((sum, j) => sum + (j.failed ?? 0), 0);
    // Failed joins are left out of the medians; the row says how many there were.
    const label = failed > 0 ? `${t.label} (${failed} failed)` : t.label;
    return [label, fixed(p50, 2), fixed(overhead, 2)];
  });
  return table(
    ["path", "join p50 ms (1 request at a time)", "overhead over direct calls ms"],
    [...rows, ["direct subgraph calls (orders, then 3 entity fetches)", fixed(direct, 2), ""]],
  );
}

function wrkTable(results: RunResults): string {
  const targets = TARGETS.filter((t) => results.wrk.some((w) => w.target === t.name));
  return table(
    ["gateway", "shape", "wrk req/s", "wrk p50 ms", "wrk p99 ms"],
    targets.flatMap((t) =>
      SHAPES.filter((s) => results.wrk.some((w) => w.target === t.name && w.shape === s.name)).map((s) => {
        const mine = results.wrk.filter((w) => w.target === t.name && w.shape === s.name);
        return [
          t.label,
          s.name,
          whole(median(mine.map((w) => w.requestsPerSecond))),
          fixed(median(mine.map((w) => w.p50))),
          fixed(median(mine.map((w) => w.p99))),
        ];
      }),
    ),
  );
}

/** The mixed run per gateway: medians over rounds; stale reads and failures added up. */
function mixedTable(results: RunResults): string {
  const entries = results.mixed ?? [];
  const targets = TARGETS.filter((t) => entries.some((m) => m.target === t.name));
  const ratio = (n: number) => (Number.isFinite(n) ? n.toFixed(3) : "n/a");
  return table(
    [
      "gateway",
      "reads/s",
      "read p50 ms",
      "read p99 ms",
      "writes/s",
      "hit ratio",
      "invalidation lag p50 / p99 ms",
      "write to event p50 / p99 ms",
      "stale reads after the event",
      "stale reads after the ack",
      "reads of written products",
      "failed",
    ],
    targets.map((t) => {
      const mine = entries.filter((m) => m.target === t.name);
      const mid = (pick: (m: (typeof mine)[number]) => number) => median(mine.map(pick));
      const total = (pick: (m: (typeof mine)[number]) => number) => mine.reduce((sum, m) => sum + pick(m), 0);
      return [
        t.label,
        whole(mid((m) => m.readsPerSecond)),
        fixed(mid((m) => m.readP50)),
        fixed(mid((m) => m.readP99)),
        fixed(mid((m) => m.writesPerSecond)),
        ratio(mid((m) => m.hitRatio)),
        `${fixed(mid((m) => m.lagP50Ms))} / ${fixed(mid((m) => m.lagP99Ms))}`,
        `${fixed(mid((m) => m.eventP50))} / ${fixed(mid((m) => m.eventP99))}`,
        String(total((m) => m.staleAfterConsumed)),
        String(total((m) => m.staleAfterAck)),
        whole(total((m) => m.readsOfWritten)),
        String(total((m) => m.failures + m.undelivered)),
      ];
    }),
  );
}

const MIXED_CAPTION =
  "Mixed run (reads and writes together, on each of Tributary's gateways after its shapes; method above): " +
  "stale reads and failures (errors, and writes whose event never came) are totals over the rounds, the rest " +
  "medians; n/a: the gateway exposes no entity cache metrics.";

export function renderReport(results: RunResults, chartFile: string): string {
  const loads = results.measurements.map((m) => m.load);
  const { rounds, seconds, warmupSeconds, connections, varyInputs, seeded } = results.settings;
  const users = seeded?.users ?? 4;
  const orders = seeded?.orders ?? 200;
  const inputs = varyInputs
    ? `varied inputs (${whole(users)} customers with ${whole(orders / users)} orders each over ${whole(seeded?.products ?? 20)} products; ` +
      `join: each of the ${whole(orders)} orders with its customer's token; wide and deep: every customer's token in turn), `
    : "";
  const parts = [
    `Run of ${results.startedAt} to ${results.finishedAt ?? "?"}: ${rounds} rounds, ${connections} connections, ${inputs}` +
      `${warmupSeconds} s warm-up${varyInputs ? " and then until every distinct request was sent once" : ""} (discarded) + ` +
      `${seconds} s measured per shape; load average (1 min) ` +
      `${fixed(Math.min(...loads))} to ${fixed(Math.max(...loads))} while measuring. Medians over rounds; ` +
      "ratios are the median of each round's ratio to bare @apollo/gateway in that round.",
    `![req/s and p99 of each gateway as ratios to bare @apollo/gateway, per shape](${chartFile})`,
    throughputTable(summarise(results)),
  ];
  if ((results.mixed ?? []).length > 0) parts.push(MIXED_CAPTION, mixedTable(results));
  parts.push(
    "Gateway memory (peak resident set of the gateway's process tree while it was loaded):",
    memoryTable(results),
  );
  if (results.joinLowLoad.length > 0)
    parts.push(
      results.joinLowLoad.some((j) => j.overhead !== undefined)
        ? "Join at low load (one request at a time, 300 joins through the gateway after 50 warm-up, each followed by the same work called directly; medians over the rounds of the median join and of the median difference within pairs):"
        : "Join at low load (one request at a time, 300 requests after 50 warm-up, median of the rounds' medians):",
      joinTable(results),
    );
  if (results.wrk.length > 0)
    parts.push("Cross-check with wrk (same connections, same durations):", wrkTable(results));
  else parts.push("wrk is not installed: no cross-check in this run (`apt-get install -y wrk`).");
  return parts.join("\n\n");
}

// What one bench run measured, and the summary the report prints: medians over rounds, ratios to the reference.
import type { MixedResult } from "./mixed.ts";
import type { ShapeName } from "./shapes.ts";
import { median } from "./stats.ts";
import type { TargetName } from "./targets.ts";

export const REFERENCE: TargetName = "apollo";

export interface Measurement {
  round: number;
  target: TargetName;
  shape: ShapeName;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  failures: number;
  firstFailure?: string;
  /** os.loadavg()[0] when the measurement started. */
  load: number;
  /** The gateway's CPU time (user + system) over the warm-up and measured runs per answer; NaN without one. */
  cpuMsPerRequest?: number;
}

export interface RunResults {
  startedAt: string;
  finishedAt?: string;
  settings: {
    rounds: number;
    seconds: number;
    warmupSeconds: number;
    connections: number;
    /** `--vary-inputs`: the join, wide and deep shapes rotated through every customer's orders and tokens. */
    varyInputs?: boolean;
    /** What was seeded (absent in runs before it was recorded: 4 customers, 200 orders, 20 products). */
    seeded?: { users: number; orders: number; products: number };
  };
  measurements: Measurement[];
  /** Peak resident memory of the gateway's process tree in each round, bytes. */
  rss: { round: number; target: TargetName; bytes: number }[];
  /**
   * Join at one request at a time, per gateway and round: median ms through it (`p50`), and, alternating with
   * it, of the same work called directly (`direct`) and of each pair's difference (`overhead`). Runs recorded
   * before the pairing have neither, and a `subgraph` entry holding the direct calls' median instead.
   */
  joinLowLoad: {
    round: number;
    target: TargetName;
    p50: number;
    direct?: number;
    overhead?: number;
    /** Joins answered with an error, left out of the medians (absent in runs before it was counted). */
    failed?: number;
  }[];
  /** The mixed run (reads and writes together) on each of Tributary's gateways, per round. */
  mixed?: ({ round: number; target: TargetName } & MixedResult)[];
  wrk: {
    round: number;
    target: TargetName;
    shape: ShapeName;
    requestsPerSecond: number;
    p50: number;
    p99: number;
  }[];
}

export interface Summary {
  target: TargetName;
  shape: ShapeName;
  requestsPerSecond: number;
  p95: number;
  p99: number;
  /** Median over rounds of this round's req/s divided by the reference's in the same round. */
  rpsRatio: number;
  p99Ratio: number;
  /** Median over rounds; NaN for the subgraph alone and for runs recorded before it was measured. */
  cpuMsPerRequest: number;
  failures: number;
}

export function summarise(results: RunResults): Summary[] {
  const keys = new Map<string, { target: TargetName; shape: ShapeName }>();
  for (const m of results.measurements)
    keys.set(`${m.target}/${m.shape}`, { target: m.target, shape: m.shape });
  return [...keys.values()].map(({ target, shape }) => {
    const own = results.measurements.filter((m) => m.target === target && m.shape === shape);
    const ratios = (pick: (m: Measurement) => number) =>
      median(
        own.map((m) => {
          const reference = results.measurements.find(
            (r) => r.target === REFERENCE && r.shape === shape && r.round === m.round,
          );
          return reference ? pick(m) / pick(reference) : Number.NaN;
        }),
      );
    return {
      target,
      shape,
      requestsPerSecond: median(own.map((m) => m.requestsPerSecond)),
      p95: median(own.map((m) => m.p95)),
      p99: median(own.map((m) => m.p99)),
      rpsRatio: ratios((m) => m.requestsPerSecond),
      p99Ratio: ratios((m) => m.p99),
      cpuMsPerRequest: median(own.map((m) => m.cpuMsPerRequest ?? Number.NaN)),
      failures: own.reduce((sum, m) => sum + m.failures, 0),
    };
  });
}

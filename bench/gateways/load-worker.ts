// The load generator, run as its own process (pinned to the shared core): autocannon with a fixed number of
// connections, a warm-up run that is thrown away (its seconds, and with `--vary-inputs` until every variant
// was sent once, so a gateway's caches are measured full, as they are after the first minutes in production,
// not while they fill), then the measured run. Prints "measuring" as the measured
// run starts (bench/subgraphs reads the subgraph's CPU at both edges) and one JSON line when it ends.
// Usage: node --import tsx bench/gateways/load-worker.ts '<LoadSpec as JSON>' (or the path of a file holding it)
import autocannon from "autocannon";
import type { RequestInput } from "./shapes.ts";
import { readSpec } from "./spec-file.ts";
import { percentile } from "./stats.ts";

export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** With `--vary-inputs`: requests sent in turn across all connections instead of `headers` + `body`. */
  variants?: RequestInput[];
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  /** Answers during the discarded warm-up, so a gateway's CPU time over both runs can be split per request. */
  warmupRequests: number;
  /**
   * Non-2xx answers, answers carrying GraphQL errors or no data, connection errors and timeouts: a run with
   * any of them is not comparable.
   */
  failures: number;
  /** The first failing answer's body, cut short, to say why. */
  firstFailure?: string;
}

// Without a check of every answer, a gateway answering errors fast would look fast.
const SUCCESSFUL = /^\s*\{\s*"data"\s*:\s*\{/;
const HAS_ERRORS = /"errors"\s*:/;
let firstFailure: string | undefined;

function verifyBody(body: string): boolean {
  const ok = SUCCESSFUL.test(body) && !HAS_ERRORS.test(body);
  if (!ok) firstFailure ??= body.slice(0, 300);
  return ok;
}

/**
 * One counter for every connection: consecutive requests, whichever connection sends them, take the next
 * variant, so the 50 requests in flight at any moment are mostly different ones.
 */
let nextVariant = 0;
function rotation(variants: NonNullable<LoadSpec["variants"]>) {
  return [
    {
      setupRequest: (request: Record<string, unknown>) => ({
        ...request,
        ...variants[nextVariant++ % variants.length],
      }),
    },
  ];
}

/** A run of `seconds`, or of `amount` requests. */
function run(spec: LoadSpec, length: { seconds: number } | { amount: number }, latencies?: number[]) {
  const instance = autocannon({
    url: spec.url,
    method: "POST",
    headers: spec.headers,
    body: spec.body,
    ...(spec.variants?.length ? { requests: rotation(spec.variants) } : {}),
    connections: spec.connections,
    ...("seconds" in length ? { duration: length.seconds } : { amount: length.amount }),
    verifyBody,
  });
  // autocannon's own percentiles skip p95; every response time is kept instead (ms, a few 10k per run).
  if (latencies) instance.on("response", (_client, _status, _bytes, ms: number) => latencies.push(ms));
  return instance;
}

/** The warm-up's answers: its seconds, then what is left of one pass over the variants. */
async function warmUp(spec: LoadSpec): Promise<number> {
  if (spec.warmupSeconds <= 0) return 0;
  let answered = (await run(spec, { seconds: spec.warmupSeconds })).requests.total;
  const unsent = (spec.variants?.length ?? 0) - nextVariant;
  // autocannon sends at least one request per connection.
  if (unsent > 0)
    answered += (await run(spec, { amount: Math.max(unsent, spec.connections) })).requests.total;
  return answered;
}

const spec = readSpec<LoadSpec>(process.argv[2]);
const warmupRequests = await warmUp(spec);
firstFailure = undefined;
process.stdout.write("measuring\n");
const latencies: number[] = [];
const result = await run(spec, { seconds: spec.seconds }, latencies);
latencies.sort((a, b) => a - b);
const output: LoadResult = {
  requestsPerSecond: result.requests.total / result.duration,
  p50: percentile(latencies, 50),
  p95: percentile(latencies, 95),
  p99: percentile(latencies, 99),
  requests: result.requests.total,
  warmupRequests,
  failures: result.non2xx + result.errors + result.timeouts + result.mismatches,
  firstFailure,
};
process.stdout.write(`${JSON.stringify(output)}\n`);

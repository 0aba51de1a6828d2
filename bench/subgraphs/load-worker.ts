// The load generator, its own process so its CPU never counts as the subgraph's: autocannon with a fixed
// number of connections, a warm-up that is thrown away, then the measured run. It prints "measuring" as the
// measured run starts and one JSON line when it ends, so the parent reads the subgraph's CPU at both edges.
// Usage: node --import tsx bench/subgraphs/load-worker.ts '<LoadSpec as JSON>'
import autocannon from "autocannon";
import { percentile } from "../gateways/stats.ts";

export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

export interface LoadResult {
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Non-2xx answers, GraphQL errors, connection errors, timeouts: a run with any is not comparable. */
  failures: number;
  firstFailure?: string;
}

// Without a check of every answer, a subgraph answering errors fast would look fast.
const SUCCESSFUL = /^\s*\{\s*"data"\s*:\s*\{/;
const HAS_ERRORS = /"errors"\s*:/;
let firstFailure: string | undefined;

function verifyBody(body: string): boolean {
  const ok = SUCCESSFUL.test(body) && !HAS_ERRORS.test(body);
  if (!ok) firstFailure ??= body.slice(0, 300);
  return ok;
}

function run(spec: LoadSpec, seconds: number, latencies?: number[]) {
  const instance = autocannon({
    url: spec.url,
    method: "POST",
    headers: spec.headers,
    body: spec.body,
    connections: spec.connections,
    duration: seconds,
    verifyBody,
  });
  if (latencies) instance.on("response", (_client, _status, _bytes, ms: number) => latencies.push(ms));
  return instance;
}

const spec = JSON.parse(process.argv[2] ?? "") as LoadSpec;
if (spec.warmupSeconds > 0) await run(spec, spec.warmupSeconds);
firstFailure = undefined;
const latencies: number[] = [];
process.stdout.write("measuring\n");
const result = await run(spec, spec.seconds, latencies);
latencies.sort((a, b) => a - b);
const output: LoadResult = {
  requests: result.requests.total,
  requestsPerSecond: result.requests.total / result.duration,
  p50: percentile(latencies, 50),
  p99: percentile(latencies, 99),
  failures: result.non2xx + result.errors + result.timeouts + result.mismatches,
  firstFailure,
};
process.stdout.write(`${JSON.stringify(output)}\n`);

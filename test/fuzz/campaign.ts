// A fuzz run against a started gateway: seeded operations over HTTP and graphql-ws, a trivial query timed
// alongside as the yardstick, then the whole-run invariants (processes alive, heap bounded), and for each
// failing invariant the smallest case fast-check can shrink it to.
import fc from "fast-check";
import type { GraphQLSchema } from "graphql";
import { type FuzzOperation, fuzzOperations } from "./generate.ts";
import type { Invariant } from "./invariants.ts";
import { httpSender, type Outcome, sendOverWebSocket, type Target } from "./send.ts";

export interface CampaignOptions {
  schema: GraphQLSchema;
  target: Target;
  seed: number;
  count: number;
  concurrency?: number;
  /** No answer may take longer than this many times the trivial query's median in the same run... */
  ratio?: number;
  /** ...or than this floor, whichever is larger: a 2 ms median would otherwise make 100x a coin toss. */
  floorMs?: number;
  /** Growth of the heap of the process the gateway runs in, measured before and after. */
  maxHeapGrowthBytes?: number;
  /** Health endpoints of every process of the stack. */
  healthUrls: string[];
  /** Shrink each failing invariant to a minimal operation (extra requests; off for a quick look). */
  shrink?: boolean;
}

export interface Failure {
  invariant: Invariant;
  count: number;
  /** How many failing cases each shape produced: where to look first. */
  shapes?: Record<string, number>;
  /** The shortest failing case sent, or the shrunk one when shrinking found it. */
  example: { shape: string; transport: string; as: string; body: string; answer: string };
}

export interface CampaignReport {
  sent: number;
  byShape: Record<string, number>;
  baselineMs: number;
  boundMs: number;
  slowestMs: number;
  heapGrowthBytes: number;
  failures: Failure[];
}

const TRIVIAL: FuzzOperation = {
  shape: "trivial",
  transport: "http",
  as: "anonymous",
  body: { query: "{ __typename }" },
};
const PROBE_EVERY = 25;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const { target, seed, count } = options;
  const concurrency = options.concurrency ?? 8;
  const ratio = options.ratio ?? 100;
  const floorMs = options.floorMs ?? 1000;
  const arbitrary = fuzzOperations(options.schema);
  const operations = fc.sample(arbitrary, { seed, numRuns: count });
  const http = httpSender(concurrency);
  const send = (operation: FuzzOperation) =>
    operation.transport === "ws" ? sendOverWebSocket(target, operation) : http.send(target, operation);

  const heapBefore = process.memoryUsage().heapUsed;
  const outcomes: (Outcome & { index: number })[] = [];
  const baseline: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < operations.length) {
        const index = next++;
        if (index % PROBE_EVERY === 0) baseline.push((await http.send(target, TRIVIAL)).ms);
        outcomes.push({ ...(await send(operations[index]!)), index });
      }
    }),
  );
  const heapGrowthBytes = process.memoryUsage().heapUsed - heapBefore;

  const baselineMs = median(baseline);
  const boundMs = Math.max(baselineMs * ratio, floorMs);
  const failing = new Map<Invariant, (Outcome & { index: number })[]>();
  const fail = (invariant: Invariant, outcome: Outcome & { index: number }) =>
    failing.set(invariant, [...(failing.get(invariant) ?? []), outcome]);
  for (const outcome of outcomes) {
    for (const invariant of outcome.violations) fail(invariant, outcome);
    if (outcome.ms > boundMs)
      fail("no answer slower than the bound", {
        ...outcome,
        answer: `${Math.round(outcome.ms)} ms: ${outcome.answer}`,
      });
  }
  const dead: string[] = [];
  for (const url of options.healthUrls) {
    const status = await fetch(url).then(
      (r) => r.status,
      (e: unknown) => String(e),
    );
    if (status !== 200) dead.push(`${url} -> ${status}`);
  }
  const failures: Failure[] = [];
  for (const [invariant, cases] of failing) {
    const shortest = cases.reduce((a, b) =>
      bodyOf(operations[a.index]!).length <= bodyOf(operations[b.index]!).length ? a : b,
    );
    const operation = operations[shortest.index]!;
    let example = describe(operation, shortest.answer);
    if (options.shrink !== false && invariant !== "no answer slower than the bound")
      example = (await shrink(arbitrary, seed, shortest.index, invariant, send)) ?? example;
    const shapes: Record<string, number> = {};
    for (const { index } of cases) {
      const key = `${operations[index]!.shape} (${operations[index]!.transport})`;
      shapes[key] = (shapes[key] ?? 0) + 1;
    }
    failures.push({ invariant, count: cases.length, shapes, example });
  }
  if (dead.length > 0)
    failures.push({
      invariant: "every process alive afterwards",
      count: dead.length,
      example: { shape: "-", transport: "http", as: "-", body: "/health", answer: dead.join("; ") },
    });
  if (options.maxHeapGrowthBytes !== undefined && heapGrowthBytes > options.maxHeapGrowthBytes)
    failures.push({
      invariant: "gateway heap bounded",
      count: 1,
      example: {
        shape: "-",
        transport: "-",
        as: "-",
        body: "-",
        answer: `heap grew ${Math.round(heapGrowthBytes / 2 ** 20)} MiB`,
      },
    });
  http.close();

  const byShape: Record<string, number> = {};
  for (const operation of operations) byShape[operation.shape] = (byShape[operation.shape] ?? 0) + 1;
  return {
    sent: outcomes.length,
    byShape,
    baselineMs,
    boundMs,
    slowestMs: Math.max(0, ...outcomes.map((o) => o.ms)),
    heapGrowthBytes,
    failures,
  };
}

const bodyOf = (operation: FuzzOperation) => JSON.stringify(operation.body);

function describe(operation: FuzzOperation, answer: string): Failure["example"] {
  const body = bodyOf(operation);
  return {
    shape: operation.shape,
    transport: operation.transport,
    as: operation.as,
    body: body.length > 600 ? `${body.slice(0, 600)}… (${body.length} chars)` : body,
    answer,
  };
}

/** Replays case `index` of the seeded run and lets fast-check shrink it while the invariant still fails. */
async function shrink(
  arbitrary: fc.Arbitrary<FuzzOperation>,
  seed: number,
  index: number,
  invariant: Invariant,
  send: (operation: FuzzOperation) => Promise<Outcome>,
): Promise<Failure["example"] | undefined> {
  let last: { operation: FuzzOperation; answer: string } | undefined;
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (operation) => {
      const outcome = await send(operation);
      if (!outcome.violations.includes(invariant)) return true;
      last = { operation, answer: outcome.answer };
      return false;
    }),
    { seed, path: String(index), endOnFailure: false, interruptAfterTimeLimit: 20_000 },
  );
  const counterexample = details.counterexample?.[0];
  if (!counterexample || !last) return undefined;
  return describe(counterexample, last.answer);
}

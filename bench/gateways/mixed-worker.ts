// The mixed run's load, as its own process on the shared core: readers ask for products' stock while one
// writer bumps the stock of a few of them (the admin's setStock, each time to a higher value, so the stock a
// read returns says which write it saw), and the bench's own subscription to `stockChanged` through the same
// gateway says when the gateway had consumed each write's event. Prints one JSON line (MixedLoadResult).
// Usage: node --import tsx bench/gateways/mixed-worker.ts <path of a file holding the MixedSpec as JSON>
import { Agent, request } from "node:http";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { readSpec } from "./spec-file.ts";
import { countStaleReads, type ReadSeen, type VersionSeen } from "./staleness.ts";
import { percentile } from "./stats.ts";

export interface MixedSpec {
  url: string;
  readers: number;
  seconds: number;
  writesPerSecond: number;
  /** Every product read; the first `writtenProducts` of them are also written. */
  productIds: string[];
  writtenProducts: number;
  /** Readers take these tokens in turn (customers); the writer is the admin. */
  readerAuthorizations: string[];
  adminAuthorization: string;
  /** The first quantity written: above any stock the products had before this run. */
  firstQuantity: number;
}

export interface MixedLoadResult {
  reads: number;
  readsPerSecond: number;
  readP50: number;
  readP99: number;
  writes: number;
  writesPerSecond: number;
  /** Writes whose event the subscription never delivered. */
  undelivered: number;
  /** Write acknowledged -> its event delivered by the gateway's subscription, ms. */
  eventP50: number;
  eventP99: number;
  readsOfWritten: number;
  staleAfterConsumed: number;
  staleAfterAck: number;
  failures: number;
  firstFailure?: string;
}

const READ = "query MixedRead($id: ID!) { product(id: $id) { id name stock } }";
const WRITE =
  "mutation MixedWrite($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { id stock } }";
const CHANGED = "subscription MixedEvents { stockChanged { id stock } }";
const DRAIN_MS = 2_000;

const spec = readSpec<MixedSpec>(process.argv[2]);
const index = new Map(spec.productIds.map((id, i) => [id, i]));
const agent = new Agent({ keepAlive: true, maxSockets: spec.readers + 1 });
let failures = 0;
let firstFailure: string | undefined;
const fail = (why: string) => {
  failures++;
  firstFailure ??= why.slice(0, 300);
};

function post(body: string, authorization: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      spec.url,
      { method: "POST", agent, headers: { "content-type": "application/json", authorization } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => resolve(text));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** The product's stock in a successful answer, or undefined (and a failure recorded). */
async function stockOf(body: string, authorization: string, field: "product" | "setStock") {
  try {
    const text = await post(body, authorization);
    const answer = JSON.parse(text) as { data?: Record<string, { stock: number } | null>; errors?: unknown };
    const stock = answer.data?.[field]?.stock;
    if (answer.errors || typeof stock !== "number") fail(text);
    else return stock;
  } catch (error) {
    fail(String(error));
  }
  return undefined;
}

const deliveries: VersionSeen[] = [];
const client = createClient({ url: spec.url.replace(/^http/, "ws"), webSocketImpl: WebSocket, lazy: false });
const subscribed = new Promise<void>((resolve, reject) => {
  client.on("connected", () => resolve());
  client.on("error", reject);
});
const unsubscribe = client.subscribe<{ stockChanged: { id: string; stock: number } }>(
  { query: CHANGED },
  {
    next: ({ data }) => {
      const changed = data?.stockChanged;
      const product = changed ? index.get(changed.id) : undefined;
      if (changed && product !== undefined)
        deliveries.push({ product, version: changed.stock, at: performance.now() });
    },
    error: (error) => fail(`subscription: ${JSON.stringify(error)}`),
    complete: () => {},
  },
);
await subscribed;

const acks: VersionSeen[] = [];
let quantity = spec.firstQuantity;
async function write(product: number): Promise<VersionSeen | undefined> {
  const body = JSON.stringify({ query: WRITE, variables: { id: spec.productIds[product], q: quantity++ } });
  const version = await stockOf(body, spec.adminAuthorization, "setStock");
  return version === undefined ? undefined : { product, version, at: performance.now() };
}

// The subscription is live once it delivers a write made after it was set up; a write made before the
// gateway had subscribed it is never delivered, so probe again every few seconds.
const probeDeadline = performance.now() + 60_000;
let probe: VersionSeen | undefined;
while (performance.now() < probeDeadline) {
  probe = await write(0);
  const seen = (p: VersionSeen | undefined) =>
    p && deliveries.some((d) => d.product === p.product && d.version >= p.version);
  const retryAt = performance.now() + 3_000;
  while (!seen(probe) && performance.now() < retryAt) await new Promise((resolve) => setTimeout(resolve, 20));
  if (seen(probe)) break;
  probe = undefined;
}
if (!probe)
  throw new Error(
    `the gateway's stockChanged subscription delivered no event in 60 s (${firstFailure ?? ""})`,
  );
acks.push(probe);

const started = performance.now();
const ends = started + spec.seconds * 1000;
const reads: ReadSeen[] = [];
const latencies: number[] = [];
let nextRead = 0;
async function reader(): Promise<void> {
  while (performance.now() < ends) {
    const n = nextRead++;
    const product = n % spec.productIds.length;
    const body = JSON.stringify({ query: READ, variables: { id: spec.productIds[product] } });
    const startedAt = performance.now();
    const version = await stockOf(
      body,
      spec.readerAuthorizations[n % spec.readerAuthorizations.length]!,
      "product",
    );
    const at = performance.now();
    latencies.push(at - startedAt);
    if (version !== undefined) reads.push({ product, version, startedAt, at });
  }
}

/** One write at a time, paced: a product's writes never overlap, so its versions commit in order. */
async function writer(): Promise<number> {
  let writes = 0;
  for (let k = 0; performance.now() < ends; k++) {
    const due = started + (k * 1000) / spec.writesPerSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (performance.now() >= ends) break;
    const ack = await write(k % spec.writtenProducts);
    writes++;
    if (ack) acks.push(ack);
  }
  return writes;
}

const [writes] = await Promise.all([writer(), ...Array.from({ length: spec.readers }, reader)]);
const elapsed = (performance.now() - started) / 1000;
await new Promise((resolve) => setTimeout(resolve, DRAIN_MS));
unsubscribe();
await client.dispose();
agent.destroy();

const delivered = new Map<string, number>();
for (const d of deliveries) delivered.set(`${d.product}:${d.version}`, d.at);
const eventLags = acks
  .flatMap((a) => {
    const at = delivered.get(`${a.product}:${a.version}`);
    return at === undefined ? [] : [Math.max(0, at - a.at)];
  })
  .sort((a, b) => a - b);
latencies.sort((a, b) => a - b);
const stale = countStaleReads(reads, acks, deliveries);
const result: MixedLoadResult = {
  reads: latencies.length,
  readsPerSecond: latencies.length / elapsed,
  readP50: percentile(latencies, 50),
  readP99: percentile(latencies, 99),
  writes,
  writesPerSecond: writes / elapsed,
  undelivered: acks.length - eventLags.length,
  eventP50: percentile(eventLags, 50),
  eventP99: percentile(eventLags, 99),
  readsOfWritten: stale.readsOfWritten,
  staleAfterConsumed: stale.afterConsumed,
  staleAfterAck: stale.afterAck,
  failures,
  firstFailure,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);

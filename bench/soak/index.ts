// `npm run bench:soak -- --minutes 10`: mixed reads and writes through the gateway at a fixed rate with open
// subscriptions; prints errors, latency percentiles and memory over time. The whole stack runs in this process
// (as the e2e suites start it), so "memory" is that one process: gateway, six subgraphs, broker together.
// Run with `node --expose-gc` (the npm script does) so heap samples are taken after a full collection and
// show what is retained, not what is merely waiting to be collected. --write-docs also writes the tables into
// docs/benchmarks.md (section soak).
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";
import { expectData, graphql } from "../../test/support/graphql.ts";
import { startStack } from "../../test/support/stack.ts";
import { tokenFor } from "../../test/support/tokens.ts";
import { markdownTable, mermaidBars, writeDocSection } from "../doc-section.ts";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "10" },
    rate: { type: "string", default: "40" },
    subscribers: { type: "string", default: "20" },
    "write-docs": { type: "boolean", default: false },
  },
});
const startedAt = new Date().toISOString();
const minutes = Number(values.minutes);
const ratePerSecond = Number(values.rate);
const subscriberCount = Number(values.subscribers);
const admin = tokenFor(["ADMIN"]).token;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const collectGarbage = (globalThis as { gc?: () => void }).gc;

const stack = await startStack({ env: { RATE_LIMIT_POINTS: "1000000" } });
const products: string[] = [];
for (let i = 0; i < 10; i++) {
  const { createProduct } = await expectData<{ createProduct: { id: string } }>(
    stack.url,
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
    { input: { name: `Soak product ${i}`, category: "soak", priceCents: 100 + i } },
    admin,
  );
  products.push(createProduct.id);
}
const randomProduct = () => products[Math.floor(Math.random() * products.length)];

// One WebSocket per subscriber, as separate browsers would hold them; half follow one product, half all of them.
let delivered = 0;
let subscriptionErrors = 0;
let finished = false;
const subscribers: Client[] = [];
for (let i = 0; i < subscriberCount; i++) {
  const client = createClient({
    url: stack.wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${admin}` },
  });
  subscribers.push(client);
  client.subscribe(
    {
      query: "subscription($id: ID) { stockChanged(productId: $id) { id stock } }",
      variables: { id: i % 2 === 0 ? products[i % products.length] : null },
    },
    {
      next: (result) => {
        if (result.errors?.length) subscriptionErrors++;
        else delivered++;
      },
      error: () => void subscriptionErrors++,
      // A subscription to an endless stream that completes before the end was ended by the server.
      complete: () => {
        if (!finished) subscriptionErrors++;
      },
    },
  );
}

const operations = [
  () => graphql(stack.url, "{ products(perPage: 20) { items { id name stock inStock } } }"),
  () => graphql(stack.url, `query($id: ID!) { product(id: $id) { id name stock } }`, { id: randomProduct() }),
  () => graphql(stack.url, "{ articles { items { id } } }"),
  () =>
    graphql(
      stack.url,
      `mutation($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { id } }`,
      { id: randomProduct(), q: Math.floor(Math.random() * 1000) },
      admin,
    ),
];

const latencies: number[] = [];
const firstErrors: string[] = [];
let requests = 0;
let errors = 0;
let inFlight = 0;
const samples: Record<string, string | number>[] = [];
const started = Date.now();
const end = started + minutes * 60_000;
let windowLatencies: number[] = [];

function fail(reason: string) {
  errors++;
  if (firstErrors.length < 10) firstErrors.push(reason.slice(0, 300));
}

function send() {
  requests++;
  inFlight++;
  const op = operations[requests % operations.length]!;
  const t0 = performance.now();
  op()
    .then((r) => {
      if (r.status !== 200 || r.errors?.length) fail(`HTTP ${r.status} ${JSON.stringify(r.errors)}`);
    })
    .catch((error: unknown) => fail(String(error)))
    .finally(() => {
      const ms = performance.now() - t0;
      latencies.push(ms);
      windowLatencies.push(ms);
      inFlight--;
    });
}

// Sends whatever the fixed rate says is due since the start, so a late timer (a busy machine) catches up
// instead of silently lowering the rate.
const tick = setInterval(() => {
  const due = Math.floor(((Math.min(Date.now(), end) - started) / 1000) * ratePerSecond);
  while (requests < due) send();
}, 1000 / ratePerSecond);

const sampleEveryMs = Math.max(10_000, (minutes * 60_000) / 20);
const sampler = setInterval(() => {
  collectGarbage?.();
  const memory = process.memoryUsage();
  const sorted = windowLatencies.sort((a, b) => a - b);
  windowLatencies = [];
  samples.push({
    minute: ((Date.now() - started) / 60_000).toFixed(1),
    rss: mb(memory.rss),
    heap: mb(memory.heapUsed),
    p99: `${pct(sorted, 0.99).toFixed(0)} ms`,
    requests,
    errors: errors + subscriptionErrors,
    "events delivered": delivered,
    load: loadavg()[0]!.toFixed(1),
  });
  console.error(`soak: ${JSON.stringify(samples.at(-1))}`);
}, sampleEveryMs);

await new Promise((r) => setTimeout(r, end - Date.now()));
clearInterval(tick);
while (inFlight > 0) await new Promise((r) => setTimeout(r, 50));
clearInterval(sampler);
const sorted = latencies.sort((a, b) => a - b);
const title =
  `Soak: ${minutes} min at ${ratePerSecond} req/s (reads:writes 3:1), ${subscriberCount} open subscriptions` +
  `${collectGarbage ? ", heap sampled after a full GC" : ""}`;
console.log(`\n${title}\n`);
console.table(samples);
const totals: Record<string, string | number>[] = [
  {
    requests,
    "req/s": (requests / (minutes * 60)).toFixed(1),
    "request errors": errors,
    "subscription errors": subscriptionErrors,
    "errors goal": 0,
    p50: `${pct(sorted, 0.5).toFixed(1)} ms`,
    p99: `${pct(sorted, 0.99).toFixed(1)} ms`,
    "events delivered": delivered,
    "rss first → last": `${samples[0]?.rss} → ${samples.at(-1)?.rss}`,
    "heap first → last": `${samples[0]?.heap} → ${samples.at(-1)?.heap}`,
  },
];
console.table(totals);
if (values["write-docs"]) {
  const asTable = (rows: Record<string, string | number>[]) =>
    markdownTable(
      Object.keys(rows[0] ?? {}),
      rows.map((row) => Object.values(row).map(String)),
    );
  const chart = mermaidBars(
    "p99 per sample window",
    "ms",
    samples.map((s) => ({ label: `${s.minute} min`, value: Number.parseFloat(String(s.p99)) })),
  );
  writeDocSection(
    "soak",
    [`Run of ${startedAt}. ${title}.`, asTable(samples), asTable(totals), chart].join("\n\n"),
  );
  console.log("wrote docs/benchmarks.md (section soak)");
}
if (firstErrors.length) console.log("first errors:", firstErrors);
finished = true;
await Promise.all(subscribers.map((client) => client.dispose()));
await stack.stop();
process.exit(errors + subscriptionErrors === 0 ? 0 : 1);

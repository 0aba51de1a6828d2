// `npm run bench:soak -- --minutes 10`: mixed reads and writes through the gateway at a fixed rate with open
// subscriptions; prints errors, latency percentiles and memory over time. The whole stack runs in this process
// (as the e2e suites start it), so "memory" is that one process: gateway, six subgraphs, broker together.
import { parseArgs } from "node:util";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { expectData, graphql } from "../../test/support/graphql.ts";
import { startStack } from "../../test/support/stack.ts";
import { tokenFor } from "../../test/support/tokens.ts";

const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "10" },
    rate: { type: "string", default: "40" },
    subscribers: { type: "string", default: "20" },
  },
});
const minutes = Number(values.minutes);
const ratePerSecond = Number(values.rate);
const subscriberCount = Number(values.subscribers);
const admin = tokenFor(["ADMIN"]).token;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

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

let delivered = 0;
const ws = createClient({
  url: stack.wsUrl,
  webSocketImpl: WebSocket,
  connectionParams: { authorization: `Bearer ${admin}` },
});
for (let i = 0; i < subscriberCount; i++) {
  ws.subscribe(
    { query: "subscription { stockChanged { id stock } }" },
    { next: () => void delivered++, error: () => {}, complete: () => {} },
  );
}

const operations = [
  () => graphql(stack.url, "{ products(perPage: 20) { items { id name stock inStock } } }"),
  () =>
    graphql(stack.url, `query($id: ID!) { product(id: $id) { id name stock } }`, {
      id: products[Math.floor(Math.random() * products.length)],
    }),
  () => graphql(stack.url, "{ articles { items { id } } }"),
  () =>
    graphql(
      stack.url,
      `mutation($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { id } }`,
      { id: products[Math.floor(Math.random() * products.length)], q: Math.floor(Math.random() * 1000) },
      admin,
    ),
];

const latencies: number[] = [];
let requests = 0;
let errors = 0;
let inFlight = 0;
const samples: {
  minute: string;
  rss: string;
  heap: string;
  p99: string;
  requests: number;
  errors: number;
}[] = [];
const started = Date.now();
const end = started + minutes * 60_000;
let windowLatencies: number[] = [];

const tick = setInterval(() => {
  if (Date.now() >= end) return;
  requests++;
  inFlight++;
  const op = operations[requests % operations.length]!;
  const t0 = performance.now();
  op()
    .then((r) => {
      if (r.status !== 200 || r.errors?.length) errors++;
    })
    .catch(() => void errors++)
    .finally(() => {
      const ms = performance.now() - t0;
      latencies.push(ms);
      windowLatencies.push(ms);
      inFlight--;
    });
}, 1000 / ratePerSecond);

const sampleEveryMs = Math.max(10_000, (minutes * 60_000) / 12);
const sampler = setInterval(() => {
  const memory = process.memoryUsage();
  const sorted = windowLatencies.sort((a, b) => a - b);
  windowLatencies = [];
  samples.push({
    minute: ((Date.now() - started) / 60_000).toFixed(1),
    rss: mb(memory.rss),
    heap: mb(memory.heapUsed),
    p99: `${pct(sorted, 0.99).toFixed(0)} ms`,
    requests,
    errors,
  });
  console.error(`soak: ${JSON.stringify(samples.at(-1))}`);
}, sampleEveryMs);

await new Promise((r) => setTimeout(r, end - Date.now()));
clearInterval(tick);
while (inFlight > 0) await new Promise((r) => setTimeout(r, 50));
clearInterval(sampler);
const sorted = latencies.sort((a, b) => a - b);
console.log(
  `\nSoak: ${minutes} min at ${ratePerSecond} req/s (reads:writes 3:1), ${subscriberCount} open subscriptions\n`,
);
console.table(samples);
console.table([
  {
    requests,
    errors,
    "errors goal": 0,
    p50: `${pct(sorted, 0.5).toFixed(1)} ms`,
    p99: `${pct(sorted, 0.99).toFixed(1)} ms`,
    "events delivered": delivered,
    "rss first → last": `${samples[0]?.rss} → ${samples.at(-1)?.rss}`,
  },
]);
await ws.dispose();
await stack.stop();
process.exit(errors === 0 ? 0 : 1);

// `npm run bench:subscriptions`: N WebSocket subscribers on one gateway (a child process), setStock at a
// fixed rate through that gateway; prints deliveries/s, mutation-to-delivery latency, gateway CPU and memory.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { silentLogger } from "../../platform/logger.ts";
import { startSubgraph } from "../../subgraphs/kit/runtime.ts";
import { loadSubgraph } from "../../subgraphs/registry.ts";
import { startTestBroker } from "../../test/support/broker.ts";
import { dropTestDatabases, testEnv, testSubgraphConfig } from "../../test/support/config.ts";
import { tokenFor } from "../../test/support/tokens.ts";
import { sampleProcess } from "./process-stats.ts";
import { closeSubscribers, openSubscribers } from "./subscribers.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SECONDS = Number(process.argv.find((a) => a.startsWith("--seconds="))?.slice(10) ?? 10);
const SCENARIOS: { subscribers: number; rate: number }[] = [
  // Baseline: the pipeline's own latency (mutation, outbox, broker, gateway consumer), no fan-out.
  { subscribers: 1, rate: 5 },
  { subscribers: 100, rate: 50 },
  { subscribers: 1000, rate: 50 },
  { subscribers: 5000, rate: 10 },
  { subscribers: 5000, rate: 20 },
];
const SUBSCRIPTION = `subscription($id: ID) { stockChanged(productId: $id) { id name stock } }`;
const admin = tokenFor(["ADMIN"]);

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function gql(url: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: admin.authorization },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, { id?: string }>; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error("gateway exited");
    if (
      await fetch(url.replace("/graphql", "/health")).then(
        (r) => r.ok,
        () => false,
      )
    )
      return;
    await sleep(100);
  }
  throw new Error("gateway did not start");
}

async function main() {
  const broker = await startTestBroker();
  const subgraphs = [];
  for (const name of ["catalog", "inventory"] as const) {
    subgraphs.push([
      name,
      await startSubgraph(await loadSubgraph(name), testSubgraphConfig(name, broker.brokers), silentLogger),
    ] as const);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/graphql`;
  const child = spawn(process.execPath, ["--import", "tsx", "gateway/index.ts"], {
    cwd: ROOT,
    stdio: "inherit",
    env: {
      ...process.env,
      ...testEnv({
        GATEWAY_HOST: "127.0.0.1",
        GATEWAY_PORT: String(port),
        SUPERGRAPH_WATCH: "false",
        KAFKA_BROKERS: broker.brokers.join(","),
        SUBGRAPH_URLS: subgraphs.map(([name, s]) => `${name}=${s.url}`).join(","),
        RATE_LIMIT_ENABLED: "false",
        KAFKA_MAX_WAIT_MS: "20",
      }),
    },
  });
  const rows: Record<string, string | number>[] = [];
  try {
    await waitUntilUp(url, child);
    const created = await gql(
      url,
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
      {
        input: { name: "Bench", category: "coffee", priceCents: 100 },
      },
    );
    const id = created.createProduct!.id!;
    let quantity = 0;
    const setStock = () =>
      gql(url, `mutation($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { stock } }`, {
        id,
        q: ++quantity,
      });
    // Warm-up: the gateway's consumer has joined once one subscriber receives an event.
    const [probe] = await openSubscribers(url.replace("http", "ws"), 1, SUBSCRIPTION, { id });
    while (probe!.arrivals.length === 0) {
      await setStock();
      await sleep(200);
    }
    await closeSubscribers([probe!]);

    for (const { subscribers: count, rate } of SCENARIOS) {
      await sleep(1000);
      const idle = sampleProcess(child.pid!);
      const subs = await openSubscribers(url.replace("http", "ws"), count, SUBSCRIPTION, { id });
      await sleep(2000);
      const connected = sampleProcess(child.pid!);
      const starts: number[] = [];
      const before = sampleProcess(child.pid!);
      const began = performance.now();
      // Fixed rate, one mutation at a time (so Kafka order is start order): event i started at starts[i].
      for (let i = 0; i < rate * SECONDS; i++) {
        const due = began + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        starts.push(performance.now());
        await setStock();
      }
      const expected = starts.length;
      const deadline = performance.now() + 10_000;
      while (performance.now() < deadline && subs.some((s) => s.arrivals.length < expected)) await sleep(50);
      const elapsed = (performance.now() - began) / 1000;
      const after = sampleProcess(child.pid!);
      const latencies: number[] = [];
      let delivered = 0;
      for (const s of subs) {
        delivered += s.arrivals.length;
        s.arrivals.forEach((at, i) => {
          if (starts[i] !== undefined) latencies.push(at - starts[i]!);
        });
      }
      latencies.sort((a, b) => a - b);
      const lastArrival = Math.max(...subs.map((s) => s.arrivals.at(-1) ?? 0));
      rows.push({
        subscribers: count,
        "events/s": rate,
        events: expected,
        // One mutation at a time: on a loaded machine the producer may not keep the rate.
        "achieved events/s": (expected / ((starts.at(-1)! - began) / 1000 || 1)).toFixed(1),
        "deliveries/s": Math.round(delivered / ((lastArrival - began) / 1000)),
        lost: count * expected - delivered,
        "p50 ms": percentile(latencies, 50).toFixed(1),
        "p99 ms": percentile(latencies, 99).toFixed(1),
        "max ms": (latencies.at(-1) ?? Number.NaN).toFixed(0),
        "gateway CPU %": (((after.cpuMs - before.cpuMs) / (elapsed * 1000)) * 100).toFixed(0),
        "gateway RSS MB": (after.rssBytes / 2 ** 20).toFixed(0),
        "KB / idle subscriber": ((connected.rssBytes - idle.rssBytes) / 1024 / count).toFixed(1),
        closed: subs.filter((s) => s.closeCode !== undefined).length,
      });
      await closeSubscribers(subs);
      console.error(`done: ${count} subscribers at ${rate} events/s`);
    }
  } finally {
    child.kill("SIGTERM");
    for (const [, s] of subgraphs) await s.stop();
    await broker.stop();
    await dropTestDatabases();
  }
  console.log(
    `\nsubscriptions bench, ${SECONDS} s per scenario, node ${process.version}, ${new Date().toISOString()}`,
  );
  console.table(rows);
}

await main();

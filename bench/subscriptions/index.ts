// `npm run bench:subscriptions`: N WebSocket subscribers on one gateway (a child process), setStock at a
// fixed rate through that gateway; prints deliveries/s, mutation-to-delivery latency, gateway CPU and memory.
// The subscribers live in their own processes (client-pool.ts): parsing deliveries must not slow the producer.
// Options: --seconds=N per scenario, --scenarios=1x5,1000x50 (subscribers x events/s), --clients=N processes,
// --pin (gateway on CPU 0, clients on the others), --cpu-prof (profile the gateway into .data/profiles).
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { silentLogger } from "../../platform/logger.ts";
import { startSubgraph } from "../../subgraphs/kit/runtime.ts";
import { loadSubgraph } from "../../subgraphs/registry.ts";
import { startTestBroker } from "../../test/support/broker.ts";
import { dropTestDatabases, testEnv, testSubgraphConfig } from "../../test/support/config.ts";
import { tokenFor } from "../../test/support/tokens.ts";
import { startClientPool } from "./client-pool.ts";
import { pinToCpus } from "./pin.ts";
import { sampleProcess } from "./process-stats.ts";
import { closeSubscribers, openSubscribers, wallClock } from "./subscribers.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const SECONDS = Number(option("seconds") ?? 10);
const CLIENT_PROCESSES = Number(option("clients") ?? 2);
const PIN = process.argv.includes("--pin");
const PROFILE = process.argv.includes("--cpu-prof");
const ALL_SCENARIOS: { subscribers: number; rate: number }[] = [
  // Baseline: the pipeline's own latency (mutation, outbox, broker, gateway consumer), no fan-out.
  { subscribers: 1, rate: 5 },
  { subscribers: 100, rate: 50 },
  { subscribers: 1000, rate: 50 },
  { subscribers: 5000, rate: 10 },
  { subscribers: 5000, rate: 20 },
];
// `--scenarios=1x5,1000x50`: subscribers x events/s, to rerun a few rows.
const chosen = option("scenarios");
const SCENARIOS = chosen
  ? chosen.split(",").map((s) => {
      const [subscribers, rate] = s.split("x").map(Number);
      return { subscribers: subscribers!, rate: rate! };
    })
  : ALL_SCENARIOS;
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
  const profiling = PROFILE ? ["--cpu-prof", "--cpu-prof-dir=.data/profiles"] : [];
  const child = spawn(process.execPath, [...profiling, "--import", "tsx", "gateway/index.ts"], {
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
  if (PIN) pinToCpus(child.pid!, "0");
  const clients = startClientPool(CLIENT_PROCESSES, PIN ? "1" : undefined);
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
      await clients.open(url.replace("http", "ws"), count, SUBSCRIPTION, { id });
      await sleep(2000);
      const connected = sampleProcess(child.pid!);
      const starts: number[] = [];
      const mutationMs: number[] = [];
      const before = sampleProcess(child.pid!);
      const began = wallClock();
      // Fixed rate, one mutation at a time (so Kafka order is start order): event i started at starts[i].
      for (let i = 0; i < rate * SECONDS; i++) {
        const due = began + (i * 1000) / rate;
        const wait = due - wallClock();
        if (wait > 0) await sleep(wait);
        const start = wallClock();
        starts.push(start);
        await setStock();
        mutationMs.push(wallClock() - start);
      }
      const expected = starts.length;
      const deadline = wallClock() + 10_000;
      while (wallClock() < deadline && (await clients.fewest()) < expected) await sleep(100);
      const collected = await clients.collect();
      const after = sampleProcess(child.pid!);
      const latencies: number[] = [];
      let delivered = 0;
      let lastArrival = began;
      for (const arrivals of collected.arrivals) {
        delivered += arrivals.length;
        lastArrival = Math.max(lastArrival, arrivals.at(-1) ?? began);
        arrivals.forEach((at, i) => {
          if (starts[i] !== undefined) latencies.push(at - starts[i]!);
        });
      }
      const elapsed = (lastArrival - began) / 1000;
      latencies.sort((a, b) => a - b);
      mutationMs.sort((a, b) => a - b);
      rows.push({
        subscribers: count,
        "events/s": rate,
        events: expected,
        // One mutation at a time: on a loaded machine the producer may not keep the rate.
        "achieved events/s": (expected / ((starts.at(-1)! - began) / 1000 || 1)).toFixed(1),
        "mutation p50 ms": percentile(mutationMs, 50).toFixed(1),
        "deliveries/s": Math.round(delivered / elapsed),
        lost: count * expected - delivered,
        "p50 ms": percentile(latencies, 50).toFixed(1),
        "p99 ms": percentile(latencies, 99).toFixed(1),
        "max ms": (latencies.at(-1) ?? Number.NaN).toFixed(0),
        "gateway CPU %": (((after.cpuMs - before.cpuMs) / (elapsed * 1000)) * 100).toFixed(0),
        // The gateway's own CPU time per delivery: the fan-out cost, much less sensitive to a noisy machine.
        "gateway CPU µs / delivery": (((after.cpuMs - before.cpuMs) * 1000) / (delivered || 1)).toFixed(1),
        "gateway RSS MB": (after.rssBytes / 2 ** 20).toFixed(0),
        "KB / idle subscriber": ((connected.rssBytes - idle.rssBytes) / 1024 / count).toFixed(1),
        closed: collected.closed,
      });
      await clients.close();
      console.error(`done: ${count} subscribers at ${rate} events/s`);
    }
  } finally {
    clients.stop();
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

// `npm run bench:subscriptions`: N WebSocket subscribers on one gateway (a child process), setStock at a
// fixed rate through that gateway (open loop, producer.ts); prints deliveries/s, loss, duplicates, order,
// mutation-to-delivery latency, gateway CPU and memory per idle subscriber after a GC (gateway-probe.ts).
// The subscribers live in their own processes (client-pool.ts): parsing deliveries must not slow the producer.
// Options: --seconds=N per scenario, --scenarios=1x5,1000x50 (subscribers x events/s), --clients=N processes,
// --pin (gateway on CPU 0, clients on the others), --cpu-prof (profile the gateway into .data/profiles),
// --warmup=S (events at the scenario's rate before the measured window; default 5 s, 0 turns it off),
// --write-docs (also write the table into docs/benchmarks.md, section subscriptions).

import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { sleep } from "../../events/backoff.ts";
import { startTestBroker } from "../../events/testing/broker.ts";
import { TOPICS_AND_DEAD_LETTERS } from "../../events/topics.ts";
import { GATEWAY_NODE_FLAGS } from "../../gateway/node-flags.ts";
import { createSubgraphHttp } from "../../gateway/supergraph/subgraph-http.ts";
import { silentLogger } from "../../platform/logger.ts";
import { startSubgraph } from "../../subgraphs/kit/runtime.ts";
import { loadSubgraph } from "../../subgraphs/registry.ts";
import { dropTestDatabases, testEnv, testSubgraphConfig } from "../../test/support/config.ts";
import { tokenFor } from "../../test/support/tokens.ts";
import { recordLoopDelay, spawnTimerFloor } from "../broker/loop-delay.ts";
import { writeDocSection } from "../doc-section.ts";
import { startClientPool } from "./client-pool.ts";
import { gatewayMemory, recordGatewayStalls } from "./gateway-ipc.ts";
import { percentile, perEventTiming } from "./latency.ts";
import { pinToCpus } from "./pin.ts";
import { sampleProcess } from "./process-stats.ts";
import { produceAtRate } from "./producer.ts";
import { markdownReport } from "./report.ts";
import { closeSubscribers, openSubscribers, wallClock } from "./subscribers.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
const SECONDS = Number(option("seconds") ?? 10);
const CLIENT_PROCESSES = Number(option("clients") ?? 2);
const PIN = process.argv.includes("--pin");
const PROFILE = process.argv.includes("--cpu-prof");
const WRITE_DOCS = process.argv.includes("--write-docs");
// Events sent at the scenario's rate right after the subscribers connect, before the measured window: the
// first deliveries to a thousand fresh connections meet cold code and a heap that just grew. Their loss is
// checked like the rest; their slowest delivery is its own column, so a cold start stays visible.
// Five seconds by default, so the measured window starts after that warming has ended, not during its tail.
const WARMUP_SECONDS = Number(option("warmup") ?? 5);
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
// Every subscriber runs the same operation: stock changes of all products. The stock a delivery shows is
// resolved through the plan when the event arrives, so concurrent mutations of one product would show its
// latest stock twice; the producer spreads its events over PRODUCTS products (one mutation per product per
// PRODUCTS / rate seconds), so each delivery's stock names its event as long as latency stays under that
// (4 s at 50 events/s); beyond it, a backlog shows up as "duplicates" and as many "lost".
const SUBSCRIPTION = `subscription { stockChanged { id name stock } }`;
const PRODUCTS = 200;
const admin = tokenFor(["ADMIN"]);

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

// The producer shares this bench process with the broker and both subgraphs: it sends its mutations with the
// gateway's own keep-alive node:http client, far cheaper per request than fetch's streams.
const http = createSubgraphHttp();

async function gql(url: string, query: string, variables: Record<string, unknown>) {
  const reply = await http.post(
    url,
    { "content-type": "application/json", authorization: admin.authorization },
    JSON.stringify({ query, variables }),
  );
  const body = JSON.parse(reply.body) as { data?: Record<string, { id?: string }>; errors?: unknown[] };
  if (body.errors || reply.status !== 200) throw new Error(`${reply.status}: ${reply.body}`);
  return body.data!;
}

/** A gateway starting on a loaded machine (tsx compiling it, the supergraph, the consumer's join) takes minutes. */
const GATEWAY_START_TIMEOUT_MS = 180_000;

async function waitUntilUp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + GATEWAY_START_TIMEOUT_MS;
  while (Date.now() < deadline) {
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
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg()[0]!;
  const broker = await startTestBroker({ topics: TOPICS_AND_DEAD_LETTERS });
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
  // After tsx, which is what lets Node load the probe's TypeScript.
  const probe = ["--expose-gc", "--import", "./bench/subscriptions/gateway-probe.ts"];
  // With the V8 flags it runs with everywhere else (npm start, npm run gateway, the image).
  const nodeArgs = [...GATEWAY_NODE_FLAGS, ...profiling, "--import", "tsx", ...probe, "gateway/index.ts"];
  const child = spawn(process.execPath, nodeArgs, {
    cwd: ROOT,
    stdio: ["inherit", "inherit", "inherit", "ipc"],
    env: {
      ...process.env,
      ...testEnv({
        GATEWAY_HOST: "127.0.0.1",
        GATEWAY_PORT: String(port),
        SUPERGRAPH_WATCH: "false",
        KAFKA_BROKERS: broker.brokers.join(","),
        SUBGRAPH_URLS: subgraphs.map(([name, s]) => `${name}=${s.url}`).join(","),
        RATE_LIMIT_ENABLED: "false",
      }),
    },
  });
  if (PIN) pinToCpus(child.pid!, "0");
  const clients = startClientPool(CLIENT_PROCESSES, PIN ? "1" : undefined);
  const rows: Record<string, string | number>[] = [];
  try {
    await waitUntilUp(url, child);
    const ids: string[] = [];
    for (let i = 0; i < PRODUCTS; i++) {
      const created = await gql(
        url,
        `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
        { input: { name: `Bench ${i}`, category: "coffee", priceCents: 100 } },
      );
      ids.push(created.createProduct!.id!);
    }
    let quantity = 0;
    const setStock = async (q: number) => {
      await gql(url, `mutation($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { stock } }`, {
        id: ids[q % PRODUCTS],
        q,
      });
    };
    // Warm-up: the gateway's consumer has joined once one subscriber receives an event.
    const [probe] = await openSubscribers(url.replace("http", "ws"), 1, SUBSCRIPTION, {});
    while (probe!.arrivals.length === 0) {
      await setStock(++quantity);
      await sleep(200);
    }
    await closeSubscribers([probe!]);

    for (const { subscribers: count, rate } of SCENARIOS) {
      await sleep(1000);
      const idle = await gatewayMemory(child);
      await clients.open(url.replace("http", "ws"), count, SUBSCRIPTION, {});
      await sleep(2000);
      const connected = await gatewayMemory(child);
      // Started before the warm-up: a Node process starting inside the measured window would be its tail.
      const floor = await spawnTimerFloor();
      const warmup = await produceAtRate({ rate, seconds: WARMUP_SECONDS, first: quantity + 1, setStock });
      quantity += rate * WARMUP_SECONDS;
      const before = sampleProcess(child.pid!);
      // Whose stall a slow delivery is: this process (broker, both subgraphs, relays) or the whole machine.
      const ownLoop = recordLoopDelay();
      floor.start();
      const gatewayStalls = recordGatewayStalls(child);
      const production = await produceAtRate({ rate, seconds: SECONDS, first: quantity + 1, setStock });
      quantity += rate * SECONDS;
      const expected = production.sentAt.size;
      const warmupEvents = warmup.sentAt.size;
      const deadline = wallClock() + 10_000;
      while (wallClock() < deadline && (await clients.fewest()) < warmupEvents + expected) await sleep(100);
      // Stopped before collecting: parsing a million arrival times from the clients stalls this process.
      const after = sampleProcess(child.pid!);
      const [subgraphLoop, idleProcess] = [ownLoop.stop(), await floor.stop()];
      const gateway = await gatewayStalls.stop();
      const collected = await clients.collect();
      const { sentAt, began } = production;
      const latencies: number[] = [];
      let warmupSlowest = 0;
      let warmupDelivered = 0;
      let delivered = 0;
      let duplicates = 0;
      let reordered = 0;
      let lastArrival = began;
      const kafkaOrder = collected.stocks[0] ?? [];
      collected.stocks.forEach((stocks, s) => {
        const arrivals = collected.arrivals[s]!;
        const seen = new Set<number>();
        // Every subscriber must see the events in the same (Kafka) order.
        if (stocks.some((stock, i) => stock !== kafkaOrder[i])) reordered++;
        stocks.forEach((stock, i) => {
          const warm = warmup.sentAt.get(stock);
          if (warm !== undefined && !seen.has(stock)) {
            seen.add(stock);
            warmupDelivered++;
            warmupSlowest = Math.max(warmupSlowest, arrivals[i]! - warm);
          }
          const sent = sentAt.get(stock);
          if (sent === undefined) return;
          if (seen.has(stock)) {
            duplicates++;
            return;
          }
          seen.add(stock);
          delivered++;
          latencies.push(arrivals[i]! - sent);
          lastArrival = Math.max(lastArrival, arrivals[i]!);
        });
      });
      // Without subscribers (`0x50`: what the mutations alone cost the gateway) the run ends with the last send.
      const elapsed = ((count === 0 ? production.lastSent : lastArrival) - began) / 1000;
      latencies.sort((a, b) => a - b);
      const { firstDelivery, spread } = perEventTiming(collected, sentAt);
      const mutationMs = production.mutationMs.sort((a, b) => a - b);
      // Below 100 subscribers the growth is lost in the noise of one GC'd heap.
      const perSubscriberKb = (bytes: number) => (count < 100 ? "(n/a)" : (bytes / 1024 / count).toFixed(1));
      rows.push({
        subscribers: count,
        "events/s": rate,
        events: expected,
        "achieved events/s": (expected / ((production.lastSent - began) / 1000 || 1)).toFixed(1),
        "mutation p50 ms": percentile(mutationMs, 50).toFixed(1),
        // The mutation's own round trip at the tail: how much of a slow delivery was spent before the commit.
        "mutation p99 ms": percentile(mutationMs, 99).toFixed(1),
        "failed mutations": production.failed,
        "deliveries/s": Math.round(delivered / elapsed) || 0,
        // Warm-up events count too: nothing may be lost from the first event on.
        lost: count * (warmupEvents + expected) - delivered - warmupDelivered,
        duplicates,
        "out of order": reordered,
        "p50 ms": percentile(latencies, 50).toFixed(1),
        "p99 ms": percentile(latencies, 99).toFixed(1),
        "max ms": (latencies.at(-1) ?? Number.NaN).toFixed(0),
        // Where a slow delivery's time went: before the first subscriber had it (mutation, outbox, broker,
        // consumer, resolution), or between the first and the last subscriber (the fan-out, the clients).
        "first delivery p99 ms": percentile(firstDelivery, 99).toFixed(1),
        "fan-out spread p99 ms": percentile(spread, 99).toFixed(1),
        "warm-up max ms": warmupDelivered > 0 ? warmupSlowest.toFixed(0) : "NaN",
        "gateway loop max stall ms": gateway.loopMaxMs.toFixed(0),
        "gateway GC max pause ms": gateway.gcMaxMs.toFixed(0),
        "gateway GC ms / s": (gateway.gcTotalMs / elapsed).toFixed(0),
        "subgraph loop max stall ms": subgraphLoop.max.toFixed(0),
        "idle process max stall ms": idleProcess.max.toFixed(0),
        "gateway CPU %": (((after.cpuMs - before.cpuMs) / (elapsed * 1000)) * 100).toFixed(0),
        // The gateway's own CPU time per delivery: the fan-out cost, much less sensitive to a noisy machine.
        "gateway CPU µs / delivery": delivered
          ? (((after.cpuMs - before.cpuMs) * 1000) / delivered).toFixed(1)
          : "(none)",
        // Per event: its mutation, its resolution and its fan-out, all in the gateway.
        "gateway CPU ms / event": ((after.cpuMs - before.cpuMs) / (expected || 1)).toFixed(2),
        "gateway RSS MB": (after.rssBytes / 2 ** 20).toFixed(0),
        // After a full GC in the gateway (gateway-probe.ts): what the idle subscribers keep alive.
        "KB / idle subscriber (heap)": perSubscriberKb(
          connected.heapUsed + connected.external - idle.heapUsed - idle.external,
        ),
        "KB / idle subscriber (RSS)": perSubscriberKb(connected.rss - idle.rss),
        closed: collected.closed,
      });
      await clients.close();
      console.error(`done: ${count} subscribers at ${rate} events/s`);
    }
  } finally {
    http.close();
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
  if (WRITE_DOCS) {
    const load = `load average (1 min) ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`;
    const run = { startedAt, seconds: SECONDS, warmupSeconds: WARMUP_SECONDS, pinned: PIN, load };
    writeDocSection("subscriptions", markdownReport(rows, run));
    console.log("wrote docs/benchmarks.md (section subscriptions)");
  }
}

await main();

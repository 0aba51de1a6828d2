// Subscriptions that never miss an event: resume by cursor (same gateway, another one, after a restart),
// slow subscribers, supergraph reloads, SSE, and refused cursors; catalog + inventory behind real gateways.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient as createSseClient } from "graphql-sse";
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestBroker, testKafka } from "../../events/testing/broker.ts";
import { eventually } from "../../events/testing/wait.ts";
import { parseConfig } from "../../gateway/config.ts";
import { buildGateway, type Gateway } from "../../gateway/server.ts";
import { decodeCursor } from "../../gateway/subscriptions/source/cursor.ts";
import { silentLogger } from "../../platform/logger.ts";
import { testEnv } from "../support/config.ts";
import { expectData } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const admin = tokenFor(["ADMIN"]);
const SUPERGRAPH = fileURLToPath(new URL("../../schemas/supergraph.graphql", import.meta.url));
const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`;
const SET_STOCK = `mutation($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { stock } }`;
const STOCK = `subscription($id: ID, $after: String) { stockChanged(productId: $id, after: $after) { id stock } }`;
const MAX_QUEUE = 40;

interface Received {
  id: string;
  stock: number;
  cursor: string;
}

/** One graphql-ws subscription, collecting deliveries, errors and the socket's close code. */
function subscribeWs(url: string, variables: Record<string, unknown>, query = STOCK) {
  const state = {
    items: [] as Received[],
    errors: [] as unknown[],
    closeCode: undefined as number | undefined,
  };
  const client: Client = createClient({
    url,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    on: {
      closed: (event) => {
        state.closeCode = (event as { code: number }).code;
      },
    },
  });
  client.subscribe(
    { query, variables },
    {
      next(result) {
        if (result.errors) state.errors.push(...result.errors);
        const data = result.data as { stockChanged?: { id: string; stock: number } } | null;
        if (data?.stockChanged)
          state.items.push({
            ...data.stockChanged,
            cursor: String((result.extensions as { cursor?: string } | undefined)?.cursor),
          });
      },
      error: (error) => {
        if (Array.isArray(error)) state.errors.push(...error);
        else state.errors.push(error);
      },
      complete: () => {},
    },
  );
  return { state, dispose: () => client.dispose() };
}

/**
 * Fields are resolved at delivery (current state), so events are told apart by their cursors: every delivery
 * moves the cursor forward, on the partition of its event. Strictly increasing and exactly `count` of them
 * means no duplicate, no gap, Kafka's order.
 */
function expectExactlyInOrder(items: Received[], count: number): void {
  const positions = items.map((i) => {
    const decoded = decodeCursor(i.cursor);
    expect(decoded).not.toBeNull();
    return [...decoded!.offsets.values()].reduce((a, b) => a + b, 0n);
  });
  expect(items).toHaveLength(count);
  for (let k = 1; k < positions.length; k++) expect(positions[k]! > positions[k - 1]!).toBe(true);
}

describe("subscriptions that never miss an event", () => {
  let stack: Stack;
  const extra: Gateway[] = [];
  const dirs: string[] = [];
  const env = { SUBSCRIPTION_MAX_QUEUE: String(MAX_QUEUE) };

  async function startGateway(
    overrides: Record<string, string> = {},
  ): Promise<{ gateway: Gateway; wsUrl: string }> {
    const config = parseConfig(
      testEnv({
        ...env,
        SUPERGRAPH_PATH: SUPERGRAPH,
        SUPERGRAPH_WATCH: "false",
        KAFKA_BROKERS: stack.broker.brokers.join(","),
        SUBGRAPH_URLS: [...stack.subgraphs].map(([name, s]) => `${name}=${s.url}`).join(","),
        ...overrides,
      }),
    );
    const gateway = await buildGateway(config, { logger: silentLogger });
    extra.push(gateway);
    const { url } = await gateway.listen(0, "127.0.0.1");
    await gateway.whenConsuming();
    return { gateway, wsUrl: url.replace(/^http/, "ws") };
  }

  async function createProduct(name: string, description = `${name}, freshly roasted`): Promise<string> {
    const input = { name, category: "coffee", priceCents: 1200, description };
    const data = await expectData<{ createProduct: { id: string } }>(
      stack.url,
      CREATE,
      { input },
      admin.token,
    );
    return data.createProduct.id;
  }

  const setStock = (id: string, q: number) => expectData(stack.url, SET_STOCK, { id, q }, admin.token);
  const subscribers = (gateway: Gateway, count: number) =>
    eventually(async () => gateway.stats().subscribers >= count || undefined);

  beforeAll(async () => {
    stack = await startStack({ subgraphs: ["catalog", "inventory"], env });
  });
  afterAll(async () => {
    for (const gateway of extra) await gateway.stop();
    await stack?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("resumes after a disconnect while events keep flowing: no gap, no duplicate, order kept", async () => {
    const products = [
      await createProduct("Resume A"),
      await createProduct("Resume B"),
      await createProduct("Resume C"),
    ];
    const first = subscribeWs(stack.wsUrl, {});
    await subscribers(stack.gateway, 1);
    const rounds = 12;
    let resumed: ReturnType<typeof subscribeWs> | undefined;
    const producing = (async () => {
      for (let q = 1; q <= rounds; q++) for (const id of products) await setStock(id, q);
    })();
    // Leave mid-stream, then come back with the last cursor while the producer carries on.
    await eventually(async () => first.state.items.length >= 6 || undefined);
    await first.dispose();
    const seen = [...first.state.items];
    const last = seen.at(-1)!;
    resumed = subscribeWs(stack.wsUrl, { after: last.cursor });
    await producing;
    const ours = (items: Received[]) => items.filter((i) => products.includes(i.id));
    await eventually(async () => ours([...seen, ...resumed!.state.items]).length >= rounds * 3 || undefined);
    resumed.dispose();
    const all = ours([...seen, ...resumed.state.items]);
    expect(resumed.state.errors).toEqual([]);
    expectExactlyInOrder(all, rounds * 3);
    for (const id of products) expect(all.filter((i) => i.id === id)).toHaveLength(rounds);
  });

  it("resumes on another gateway instance and after a gateway restart; each instance delivers every event", async () => {
    const id = await createProduct("Two gateways");
    const b = await startGateway();
    const onA = subscribeWs(stack.wsUrl, { id });
    const onB = subscribeWs(b.wsUrl, { id });
    await subscribers(stack.gateway, 1);
    await subscribers(b.gateway, 1);
    await setStock(id, 1);
    await setStock(id, 2);
    await eventually(async () => (onA.state.items.length >= 2 && onB.state.items.length >= 2) || undefined);
    expectExactlyInOrder(onB.state.items, 2);
    expectExactlyInOrder(onA.state.items, 2);
    onA.dispose();
    onB.dispose();

    // Away while two more events happen; back on the other instance with A's cursor.
    await setStock(id, 3);
    await setStock(id, 4);
    const back = subscribeWs(b.wsUrl, { id, after: onA.state.items.at(-1)!.cursor });
    await eventually(async () => back.state.items.length >= 2 || undefined);
    await setStock(id, 5);
    await eventually(async () => back.state.items.length >= 3 || undefined);
    // Exactly the two missed events, then the live one: none of A's again, none lost.
    expectExactlyInOrder([...onA.state.items, ...back.state.items], 5);
    expect(back.state.items.at(-1)?.stock).toBe(5);
    back.dispose();

    // B is stopped; an event happens; a brand-new gateway serves the resumed subscription.
    await b.gateway.stop();
    await setStock(id, 6);
    const c = await startGateway();
    const afterRestart = subscribeWs(c.wsUrl, { id, after: back.state.items.at(-1)!.cursor });
    await eventually(async () => afterRestart.state.items.length >= 1 || undefined);
    await setStock(id, 7);
    await eventually(async () => afterRestart.state.items.length >= 2 || undefined);
    afterRestart.dispose();
    expectExactlyInOrder([...back.state.items, ...afterRestart.state.items], 5);
    expect(afterRestart.state.items.at(-1)?.stock).toBe(7);
  });

  it("closes a subscriber that stopped reading with 4429 while a fast one keeps receiving", async () => {
    // Big payloads, many subscriptions on the slow socket: its TCP buffers fill within a few events.
    const id = await createProduct("Slow", "x".repeat(4000));
    const slowQuery = `subscription($id: ID) { stockChanged(productId: $id) { id stock description } }`;
    const before = stack.gateway.stats().subscribers;
    const slow = new WebSocket(stack.wsUrl, "graphql-transport-ws");
    await new Promise((resolve) => slow.once("open", resolve));
    slow.send(JSON.stringify({ type: "connection_init", payload: {} }));
    await new Promise((resolve) => slow.once("message", resolve));
    const perSocket = 100;
    for (let n = 0; n < perSocket; n++)
      slow.send(
        JSON.stringify({ id: `s${n}`, type: "subscribe", payload: { query: slowQuery, variables: { id } } }),
      );
    await subscribers(stack.gateway, before + perSocket);
    const closed = new Promise<number>((resolve) => slow.once("close", (code) => resolve(code)));
    // Stops reading its socket: the gateway's writes pile up until the subscriber falls too far behind.
    slow.pause();
    const fast = subscribeWs(stack.wsUrl, { id });
    await subscribers(stack.gateway, before + perSocket + 1);

    let q = 0;
    await eventually(
      async () => {
        await setStock(id, ++q);
        return stack.gateway.stats().subscribers <= before + 1 || undefined;
      },
      60_000,
      0,
    );
    slow.resume();
    expect(await closed).toBe(4429);
    await setStock(id, ++q);
    await eventually(async () => fast.state.items.at(-1)?.stock === q || undefined);
    expectExactlyInOrder(fast.state.items, q);
    fast.dispose();
  });

  it("resolves events without spending the subscribers' rate-limit budget", async () => {
    // Two requests a minute: before the fix the third event's resolution came back RATE_LIMITED.
    const limited = await startGateway({ RATE_LIMIT_POINTS: "2", RATE_LIMIT_BURST_POINTS: "0" });
    const id = await createProduct("Busy");
    const sub = subscribeWs(limited.wsUrl, { id });
    await subscribers(limited.gateway, 1);
    for (let q = 1; q <= 5; q++) await setStock(id, q);
    await eventually(async () => sub.state.items.length + sub.state.errors.length >= 5 || undefined);
    expect(sub.state.errors).toEqual([]);
    expectExactlyInOrder(sub.state.items, 5);
    sub.dispose();
  });

  it("closes open subscriptions with 4205 when the supergraph changes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tributary-reload-"));
    dirs.push(dir);
    const path = join(dir, "supergraph.graphql");
    const sdl = readFileSync(SUPERGRAPH, "utf8");
    await writeFile(path, sdl);
    const d = await startGateway({ SUPERGRAPH_PATH: path });
    const sub = subscribeWs(d.wsUrl, {});
    await subscribers(d.gateway, 1);
    await writeFile(`${path}.tmp`, `${sdl}\n# changed\n`);
    await rename(`${path}.tmp`, path);
    expect(await d.gateway.reloadSupergraph()).toBe(true);
    await eventually(async () => sub.state.closeCode);
    expect(sub.state.closeCode).toBe(4205);
    expect(d.gateway.stats().subscribers).toBe(0);
  });

  it("serves the same subscriptions over SSE, resumable too", async () => {
    const id = await createProduct("Over SSE");
    const client = createSseClient({
      url: stack.url.replace(/\/graphql$/, "/graphql/stream"),
      headers: { authorization: admin.authorization },
      retryAttempts: 0,
    });
    const items: { stock: number; cursor: string }[] = [];
    const before = stack.gateway.stats().subscribers;
    const stop = client.subscribe(
      { query: STOCK, variables: { id } },
      {
        next: (r) => {
          const data = r.data as { stockChanged: { stock: number } };
          items.push({
            stock: data.stockChanged.stock,
            cursor: String((r.extensions as { cursor?: string } | undefined)?.cursor),
          });
        },
        error: () => {},
        complete: () => {},
      },
    );
    await subscribers(stack.gateway, before + 1);
    await setStock(id, 11);
    await eventually(async () => items.length >= 1 || undefined);
    stop();
    await setStock(id, 12);
    const resumed: number[] = [];
    const stop2 = client.subscribe(
      { query: STOCK, variables: { id, after: items[0]!.cursor } },
      {
        next: (r) => void resumed.push((r.data as { stockChanged: { stock: number } }).stockChanged.stock),
        error: () => {},
        complete: () => {},
      },
    );
    await eventually(async () => resumed.length >= 1 || undefined);
    stop2();
    client.dispose();
    expect(items.map((i) => i.stock)).toEqual([11]);
    expect(resumed).toEqual([12]);
  });

  it("refuses malformed and foreign cursors with BAD_USER_INPUT", async () => {
    const bad = subscribeWs(stack.wsUrl, { after: "not a cursor!" });
    const foreign = subscribeWs(stack.wsUrl, {
      after: Buffer.from("orders.order.status-changed:0=1").toString("base64url"),
    });
    await eventually(
      async () => (bad.state.errors.length > 0 && foreign.state.errors.length > 0) || undefined,
    );
    for (const sub of [bad, foreign]) {
      expect((sub.state.errors[0] as { extensions?: { code?: string } }).extensions?.code).toBe(
        "BAD_USER_INPUT",
      );
      sub.dispose();
    }
  });

  it("refuses a cursor older than Kafka's retention with CURSOR_EXPIRED", async () => {
    const broker = await startTestBroker({ retentionMs: 300 });
    try {
      const kafka = testKafka(broker.address, "retention-test");
      const topic = "inventory.stock.changed";
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({
        topic,
        messages: [
          { value: "a", partition: 0 },
          { value: "b", partition: 0 },
        ],
      });
      await producer.disconnect();
      const kafkaAdmin = kafka.admin();
      await kafkaAdmin.connect();
      await eventually(async () => {
        const offsets = await kafkaAdmin.fetchTopicOffsets(topic);
        return offsets.find((o) => o.partition === 0)?.low !== "0" || undefined;
      });
      await kafkaAdmin.disconnect();
      const g = await startGateway({ KAFKA_BROKERS: broker.address });
      const old = Buffer.from(`${topic}:0=0`).toString("base64url");
      const sub = subscribeWs(g.wsUrl, { after: old });
      await eventually(async () => sub.state.errors.length > 0 || undefined);
      expect((sub.state.errors[0] as { extensions?: { code?: string } }).extensions?.code).toBe(
        "CURSOR_EXPIRED",
      );
      sub.dispose();
      await g.gateway.stop();
    } finally {
      await broker.stop();
    }
  });
});

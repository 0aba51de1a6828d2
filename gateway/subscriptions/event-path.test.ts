// The event path's promises against the real embedded broker, over graphql-ws and graphql-sse: every event
// once (re-sent copies dropped, live and on resume, also by a gateway started after the original), a resume
// in publish order across partitions, cursors checked, /ready only once events will arrive, replays paid for.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { createClient as createSseClient } from "graphql-sse";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestBroker, type TestBroker, testKafka } from "../../events/testing/broker.ts";
import { startEventProducer, type TestEventProducer } from "../../events/testing/event-producer.ts";
import { waitFor } from "../../events/testing/wait.ts";
import type { RunningSubgraph } from "../../test/support/fixture-server.ts";
import {
  catalogSdl,
  INVENTORY_SDL,
  products,
  startCatalog,
  startInventory,
} from "../../test/support/fixture-subgraphs.ts";
import { bearer, startTestGateway, type TestGateway } from "../../test/support/gateway.ts";
import { composeSupergraph, writeSupergraph } from "../../test/support/supergraph.ts";
import { encodeCursor } from "./source/cursor.ts";

const TOPIC = "inventory.stock.changed";
const PARTITIONS = 3;
// The fixture's SDL with the resume argument every real subscription field has.
const RESUMABLE_SDL = INVENTORY_SDL.replace(
  "stockChanged(productId: ID)",
  "stockChanged(productId: ID, after: String)",
);
const STOCK = `subscription ($after: String) { stockChanged(after: $after) { id } }`;

let broker: TestBroker;
let events: TestEventProducer;
let catalog: RunningSubgraph;
let inventory: RunningSubgraph;
let supergraphPath: string;
const gateways: TestGateway[] = [];
const closers: (() => void)[] = [];

beforeAll(async () => {
  [broker, catalog, inventory] = await Promise.all([
    startTestBroker({ topics: [TOPIC], partitions: PARTITIONS }),
    startCatalog(),
    startInventory(),
  ]);
  events = await startEventProducer(broker.address);
  supergraphPath = await writeSupergraph(
    composeSupergraph([
      {
        name: "catalog",
        url: "http://localhost:4002/graphql",
        typeDefs: catalogSdl({ withDescription: true }),
      },
      { name: "inventory", url: "http://localhost:4004/graphql", typeDefs: RESUMABLE_SDL },
    ]),
  );
});

afterAll(async () => {
  for (const close of closers.splice(0)) close();
  await Promise.all(gateways.map((gw) => gw.stop()));
  await events?.stop();
  await Promise.all([broker?.stop(), catalog?.stop(), inventory?.stop()]);
});

async function startGateway(env: Record<string, string> = {}): Promise<TestGateway> {
  const gw = await startTestGateway({
    SUPERGRAPH_PATH: supergraphPath,
    SUBGRAPH_URLS: `catalog=${catalog.url},inventory=${inventory.url}`,
    SUBSCRIPTIONS_ENABLED: "true",
    KAFKA_BROKERS: broker.address,
    ...env,
  });
  gateways.push(gw);
  return gw;
}

interface Received {
  id: string;
  cursor: string;
}

type Transport = "graphql-ws" | "graphql-sse";

interface Subscriber {
  next(timeoutMs?: number): Promise<Received>;
  /** Unsubscribes and waits until the gateway let go of it, so the next subscribe is counted alone. */
  close(): Promise<void>;
}

/** Subscribes and waits until the gateway registered it (or refused it: the error is thrown). */
async function subscribe(gw: TestGateway, transport: Transport, after?: string): Promise<Subscriber> {
  const queue: Received[] = [];
  const waiters: (() => void)[] = [];
  let failure: unknown;
  const wake = () => {
    for (const waiter of waiters.splice(0)) waiter();
  };
  const sink = {
    next(result: { data?: unknown; errors?: unknown; extensions?: unknown }) {
      if (result.errors) failure = result.errors;
      const data = result.data as { stockChanged: { id: string } } | undefined;
      if (data?.stockChanged)
        queue.push({
          id: data.stockChanged.id,
          cursor: String((result.extensions as { cursor?: string })?.cursor),
        });
      wake();
    },
    error(error: unknown) {
      failure = error;
      wake();
    },
    complete: wake,
  };
  const payload = { query: STOCK, variables: { after } };
  let close: () => void;
  if (transport === "graphql-ws") {
    const client = createClient({ url: gw.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const stop = client.subscribe(payload, sink);
    close = () => {
      stop();
      void client.dispose();
    };
  } else {
    const client = createSseClient({ url: `${gw.origin}/graphql/stream`, retryAttempts: 0 });
    const stop = client.subscribe(payload, sink);
    close = () => {
      stop();
      client.dispose();
    };
  }
  closers.push(close);
  const before = gw.gateway.stats().subscribers;
  await waitFor(
    () => failure !== undefined || gw.gateway.stats().subscribers > before,
    "the subscription registered or refused",
    10_000,
  );
  if (failure !== undefined) throw failure;
  return {
    async next(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (queue.length === 0) {
        if (failure !== undefined) throw failure;
        if (Date.now() > deadline) throw new Error("no event arrived");
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
      return queue.shift()!;
    },
    async close() {
      close();
      await waitFor(() => gw.gateway.stats().subscribers <= before, "the subscription let go", 10_000);
    },
  };
}

/** What a subscriber that subscribed with `after` and was refused got, as the first error. */
async function refusal(gw: TestGateway, transport: Transport, after: string) {
  try {
    await subscribe(gw, transport, after);
  } catch (errors) {
    return (Array.isArray(errors) ? errors[0] : errors) as {
      message: string;
      extensions?: { code?: string };
    };
  }
  throw new Error("the subscription was accepted");
}

let clock = Date.now();
/** Produces a stock change for `productId`: a fresh event id unless a copy of an earlier one is asked for. */
function produce(productId: string, partition: number, id: string = randomUUID()): Promise<bigint> {
  clock += 10;
  // The catalog fixture resolves only products it knows; an event about an unknown one is skipped.
  products[productId] = { name: productId, description: "" };
  return events.produceEvent(TOPIC, {
    id,
    partition,
    key: productId,
    time: new Date(clock),
    payload: { entity: { typename: "Product", id: productId }, productId, quantity: 1 },
  });
}

/** The topic's end on every partition: a cursor naming it replays nothing. */
async function endCursor(behind: Record<number, number> = {}): Promise<string> {
  const admin = testKafka(broker.address).admin();
  await admin.connect();
  try {
    const offsets = new Map<number, bigint>();
    for (const { partition, high } of await admin.fetchTopicOffsets(TOPIC))
      offsets.set(partition, BigInt(high) - 1n - BigInt(behind[partition] ?? 0));
    return encodeCursor({ topic: TOPIC, offsets });
  } finally {
    await admin.disconnect();
  }
}

const transports: Transport[] = ["graphql-ws", "graphql-sse"];

describe("every event once", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
    await gw.gateway.whenConsuming();
  });

  it.for(transports)(
    "drops a re-sent copy (same event id, later offset) of a live event, over %s",
    async (transport) => {
      const sub = await subscribe(gw, transport);
      const id = randomUUID();
      await produce("once-a", 0, id);
      await produce("once-a", 0, id);
      await produce("once-b", 0);
      expect((await sub.next()).id).toBe("once-a");
      expect((await sub.next()).id).toBe("once-b");
      await sub.close();
    },
  );

  it.for(transports)(
    "drops copies on resume, also on a gateway started after the original was sent, over %s",
    async (transport) => {
      const sub = await subscribe(gw, transport);
      const original = randomUUID();
      await produce("resume-a", 1, original);
      const { cursor } = await sub.next();
      await sub.close();
      // A whole-stack restart: a fresh gateway, and the relay sending again what Kafka already had.
      const restarted = await startGateway();
      await restarted.gateway.whenConsuming();
      await produce("resume-a", 1, original);
      const missed = randomUUID();
      await produce("resume-b", 1, missed);
      const resumed = await subscribe(restarted, transport, cursor);
      expect((await resumed.next()).id).toBe("resume-b");
      await produce("resume-b", 1, missed);
      await produce("resume-c", 2);
      expect((await resumed.next()).id).toBe("resume-c");
      await resumed.close();
    },
  );

  it.for(transports)(
    "replays what a resume missed when it reaches a gateway still taking its positions, over %s",
    async (transport) => {
      // A client reconnecting the moment a killed gateway listens again, before its consumer has joined.
      const cursor = await endCursor();
      await produce("early-a", 2);
      const restarted = await startGateway();
      const resumed = await subscribe(restarted, transport, cursor);
      expect((await resumed.next()).id).toBe("early-a");
      await produce("early-b", 0);
      expect((await resumed.next()).id).toBe("early-b");
      await resumed.close();
    },
  );

  it("replays a resume in publish order across partitions, each partition's own order kept", async () => {
    const sub = await subscribe(gw, "graphql-ws");
    await produce("order-mark", 0);
    const { cursor } = await sub.next();
    await sub.close();
    // One entity per partition, as keys place them, published interleaved.
    const published = [
      ["author-x", 2],
      ["author-y", 1],
      ["author-x", 2],
      ["author-z", 0],
      ["author-y", 1],
      ["author-x", 2],
    ] as const;
    for (const [entity, partition] of published) await produce(entity, partition);
    const resumed = await subscribe(gw, "graphql-ws", cursor);
    const got: string[] = [];
    for (const _ of published) got.push((await resumed.next()).id);
    expect(got).toEqual(published.map(([entity]) => entity));
    await resumed.close();
  });

  it("gives exactly the published sequence through random produces, copies, disconnects and gateway switches", async () => {
    const other = await startGateway();
    await other.gateway.whenConsuming();
    const step = fc.oneof(
      fc.record({ kind: fc.constant("produce" as const), entity: fc.integer({ min: 0, max: 4 }) }),
      fc.record({ kind: fc.constant("copy" as const), back: fc.nat(3) }),
      fc.record({ kind: fc.constant("resume" as const), onOther: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        const run = randomUUID().slice(0, 8);
        const start = await subscribe(gw, "graphql-ws");
        await produce(`${run}-start`, 0);
        let cursor = (await start.next()).cursor;
        await start.close();
        let sub: Subscriber | undefined;
        const sent: { entity: string; id: string; partition: number }[] = [];
        const got: string[] = [];
        for (const s of steps) {
          if (s.kind === "resume") {
            // Drain what was acknowledged so far, then leave and come back with the last cursor.
            if (sub) {
              while (got.length < sent.length) {
                const next = await sub.next();
                got.push(next.id);
                cursor = next.cursor;
              }
              await sub.close();
            }
            sub = await subscribe(s.onOther ? other : gw, "graphql-ws", cursor);
          } else if (s.kind === "produce") {
            const entity = `${run}-${s.entity}`;
            const event = { entity, id: randomUUID(), partition: s.entity % PARTITIONS };
            await produce(event.entity, event.partition, event.id);
            sent.push(event);
          } else {
            const original = sent.at(-1 - s.back);
            if (original) await produce(original.entity, original.partition, original.id);
          }
        }
        sub ??= await subscribe(gw, "graphql-ws", cursor);
        while (got.length < sent.length) got.push((await sub.next()).id);
        await produce(`${run}-end`, 0);
        // Nothing more (no copy) arrives before the end marker.
        expect((await sub.next()).id).toBe(`${run}-end`);
        await sub.close();
        expect(got).toEqual(sent.map((e) => e.entity));
      }),
      {
        numRuns: 8,
        // Always among the runs: a copy published while the subscriber is away, then a resume.
        examples: [
          [
            [
              { kind: "produce", entity: 1 },
              { kind: "copy", back: 0 },
              { kind: "resume", onOther: false },
            ],
          ],
          [
            [
              { kind: "resume", onOther: true },
              { kind: "produce", entity: 2 },
              { kind: "copy", back: 0 },
              { kind: "produce", entity: 0 },
              { kind: "resume", onOther: false },
            ],
          ],
        ],
      },
    );
  }, 120_000);
});

describe("cursors", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway();
    await produce("cursor-seed", 0);
  });

  it.for(transports)(
    "refuses offsets past the end of a partition with BAD_USER_INPUT, over %s",
    async (transport) => {
      const cursor = await endCursor({ 0: -5 });
      const error = await refusal(gw, transport, cursor);
      expect(error.extensions?.code).toBe("BAD_USER_INPUT");
      expect(error.message).toMatch(/past the end of partition 0/);
    },
  );

  it("refuses a cursor naming only some of the topic's partitions with BAD_USER_INPUT", async () => {
    const partial = encodeCursor({ topic: TOPIC, offsets: new Map([[1, 0n]]) });
    const error = await refusal(gw, "graphql-ws", partial);
    expect(error.extensions?.code).toBe("BAD_USER_INPUT");
    expect(error.message).toMatch(/names partitions \[1\] but the topic has \[0, 1, 2\]/);
  });

  it("refuses a cursor for more partitions than the topic has (its partitions changed)", async () => {
    const offsets = new Map([0, 1, 2, 3].map((p) => [p, -1n] as [number, bigint]));
    const error = await refusal(gw, "graphql-ws", encodeCursor({ topic: TOPIC, offsets }));
    expect(error.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("/ready", () => {
  it("counts a topic created after the gateway started from its first event, so none is lost", async () => {
    // The usual first start: a producer creates its topic with its first event, after the gateway is up.
    const gw = await startGateway({ KAFKA_TOPIC_REFRESH_MS: "300" });
    await waitFor(
      async () => (await fetch(`${gw.origin}/ready`)).status === 200,
      "the gateway ready",
      20_000,
    );
    const admin = bearer(gw.tokens, { id: "a1", roles: ["ADMIN"] });
    const client = createClient({
      url: gw.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: admin },
    });
    closers.push(() => void client.dispose());
    const results = client.iterate<{ orderStatusChanged: { id: string } }>({
      query: "subscription { orderStatusChanged { id } }",
    });
    const first = results.next();
    await waitFor(() => gw.gateway.stats().subscribers > 0, "a subscriber", 10_000);
    await broker.createTopics(["orders.order.status-changed"]);
    await events.produce("orders.order.status-changed", {
      entity: { typename: "Order", id: "o1" },
      orderId: "o1",
      customerId: "u1",
    });
    const { value } = await first;
    expect(value?.data).toEqual({ orderStatusChanged: { id: "o1" } });
    await client.dispose();
    await gw.stop();
  }, 30_000);

  it("turns ready only once a subscription acknowledged after it gets every later event", async () => {
    for (let round = 0; round < 3; round++) {
      const gw = await startGateway();
      await waitFor(
        async () => (await fetch(`${gw.origin}/ready`)).status === 200,
        "the gateway ready",
        20_000,
      );
      const sub = await subscribe(gw, "graphql-ws");
      const entity = `ready-${round}-${randomUUID()}`;
      await produce(entity, round % PARTITIONS);
      expect((await sub.next()).id).toBe(entity);
      await sub.close();
      await gw.stop();
    }
  }, 90_000);
});

describe("replay budget", () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startGateway({
      RATE_LIMIT_POINTS: "12",
      RATE_LIMIT_BURST_POINTS: "0",
      RATE_LIMIT_KEY_PREFIX: `replay-${randomUUID()}`,
      SUBSCRIPTION_MAX_REPLAY_EVENTS: "8",
    });
    for (let i = 0; i < 10; i++) await produce(`budget-${i}`, 0);
  });

  it("refuses a cursor further behind than one replay may go with REPLAY_TOO_LARGE", async () => {
    const error = await refusal(gw, "graphql-ws", await endCursor({ 0: 9 }));
    expect(error.extensions?.code).toBe("REPLAY_TOO_LARGE");
    expect(error.message).toMatch(/9 events behind, more than one resume replays \(8\)/);
  });

  it("charges each replayed event to the caller's request budget, shared with plain queries", async () => {
    const query = () => gw.post({ query: "{ __typename }" });
    expect((await query()).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const sub = await subscribe(gw, "graphql-ws", await endCursor({ 0: 5 }));
      expect((await sub.next()).id).toBe("budget-5");
      await sub.close();
    }
    const error = await refusal(gw, "graphql-sse", await endCursor({ 0: 5 }));
    expect(error.extensions?.code).toBe("RATE_LIMITED");
    expect((await query()).status).toBe(429);
  });
});

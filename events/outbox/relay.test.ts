import { sql } from "drizzle-orm";
import type { Consumer } from "kafkajs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../platform/logger.ts";
import { decodeEvent } from "../codec.ts";
import {
  collectMessages,
  type Received,
  startTestBroker,
  type TestBroker,
  testKafka,
  waitFor,
} from "../testing/broker.ts";
import { openTestDatabase, type TestDatabase } from "../testing/database.ts";
import { Topics } from "../topics.ts";
import { enqueueEvents } from "./enqueue.ts";
import { type OutboxRelay, startOutboxRelay } from "./relay.ts";

const placed = (orderId: string, n: number) => ({
  topic: Topics.OrderStatusChanged,
  key: orderId,
  payload: {
    entity: { typename: "Order", id: orderId },
    orderId,
    customerId: "u-1",
    status: `STEP_${n}`,
    previousStatus: `STEP_${n - 1}`,
  },
});

describe(`the outbox relay (${process.env.DATABASE_URL ? "postgres" : "pglite"})`, () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let reader: Consumer;
  const received: Received[] = [];
  const relays: OutboxRelay[] = [];

  function relay(overrides: Partial<Parameters<typeof startOutboxRelay>[0]> = {}): OutboxRelay {
    const started = startOutboxRelay({
      db: database.db,
      kafka: testKafka(broker.address, "relay"),
      source: "/subgraphs/orders",
      logger: silentLogger,
      backoff: { initialDelayMs: 50, maxDelayMs: 300 },
      ...overrides,
    });
    relays.push(started);
    return started;
  }

  const receivedIds = (ids: readonly string[]) =>
    received
      .filter((message) => ids.includes(message.headers.ce_id ?? ""))
      .map((message) => message.headers.ce_id);

  beforeAll(async () => {
    [broker, database] = await Promise.all([startTestBroker(), openTestDatabase()]);
    reader = await collectMessages(
      testKafka(broker.address, "reader"),
      [Topics.OrderStatusChanged],
      received,
    );
  });
  afterEach(async () => {
    while (relays.length > 0) await relays.pop()?.stop();
    await database.db.execute(sql`truncate outbox`);
  });
  afterAll(async () => {
    await reader?.disconnect();
    await broker?.stop();
    await database?.close();
  });

  it("publishes every row with CloudEvents headers, in order per key, and marks them sent", async () => {
    const events = ["o-1", "o-2", "o-3"].flatMap((order) => [1, 2, 3, 4, 5].map((n) => placed(order, n)));
    const ids = await database.db.transaction((tx) => enqueueEvents(tx, events));
    const running = relay();
    running.wake();
    await running.whenDrained();
    expect(running.counters.published).toBe(15);
    expect(await running.backlog()).toEqual({ pending: 0, oldestAgeMs: 0 });

    await waitFor(() => receivedIds(ids).length === 15, "all 15 events on the topic");
    const mine = received.filter((message) => ids.includes(message.headers.ce_id ?? ""));
    for (const order of ["o-1", "o-2", "o-3"]) {
      const statuses = mine
        .filter((message) => message.key === order)
        .map((message) => decodeEvent(Topics.OrderStatusChanged, message).payload.status);
      expect(statuses).toEqual(["STEP_1", "STEP_2", "STEP_3", "STEP_4", "STEP_5"]);
      // One key, one partition: that is what makes the order above hold for consumers.
      expect(new Set(mine.filter((message) => message.key === order).map((m) => m.partition)).size).toBe(1);
    }
    expect(mine[0]?.headers).toMatchObject({
      ce_specversion: "1.0",
      ce_type: "tributary.orders.order.status-changed.v1",
      ce_source: "/subgraphs/orders",
      "content-type": "application/protobuf",
    });
    expect(mine.map((message) => message.headers.ce_subject).sort()).toEqual(events.map((e) => e.key).sort());
  });

  it("publishes as soon as it is woken, without waiting for the idle check", async () => {
    const running = relay({ idleCheckMs: 60_000 });
    await running.whenDrained();
    const ids = await enqueueEvents(database.db, [placed("o-9", 1)]);
    const started = Date.now();
    running.wake();
    await waitFor(() => receivedIds(ids).length === 1, "the woken event");
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("finds rows nobody woke it for on its idle check", async () => {
    const running = relay({ idleCheckMs: 200 });
    await running.whenDrained();
    const ids = await enqueueEvents(database.db, [placed("o-8", 1)]);
    await waitFor(() => receivedIds(ids).length === 1, "the event found by the idle check");
  });

  it("keeps the backlog through a broker outage and delivers every event once the broker is back", async () => {
    const running = relay({ idleCheckMs: 200 });
    const warmup = await enqueueEvents(database.db, [placed("o-5", 0)]);
    running.wake();
    await waitFor(() => receivedIds(warmup).length === 1, "the warm-up event");
    // Readers can see a record before its producer has the ack; halting in between would leave it unsent.
    await running.whenDrained();

    await broker.halt();
    const events = ["o-5", "o-6"].flatMap((order) => [1, 2, 3, 4, 5, 6, 7, 8].map((n) => placed(order, n)));
    const ids = await enqueueEvents(database.db, events);
    running.wake();
    await waitFor(() => running.counters.failures >= 2, "the relay to notice the outage");
    const backlog = await running.backlog();
    expect(backlog.pending).toBe(16);
    expect(backlog.oldestAgeMs).toBeGreaterThan(0);

    await broker.restart();
    await running.whenDrained();
    await waitFor(() => receivedIds(ids).length >= 16, "every event after the outage", 45_000);
    const seen = receivedIds(ids);
    expect(new Set(seen).size).toBe(16);
    expect(seen).toHaveLength(16);
    for (const order of ["o-5", "o-6"]) {
      const statuses = received
        .filter((message) => message.key === order && ids.includes(message.headers.ce_id ?? ""))
        .map((message) => decodeEvent(Topics.OrderStatusChanged, message).payload.status);
      expect(statuses).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `STEP_${n}`));
    }
  });

  it("stops cleanly while Kafka is unreachable, leaving the rows for the next start", async () => {
    await broker.halt();
    try {
      const running = relay();
      await enqueueEvents(database.db, [placed("o-7", 1)]);
      running.wake();
      await waitFor(() => running.counters.failures >= 1, "a failed attempt");
      await running.stop();
      relays.pop();
      expect((await running.backlog()).pending).toBe(1);
      await expect(running.whenDrained()).rejects.toThrow(/stopped/);
    } finally {
      await broker.restart();
    }
  });
});

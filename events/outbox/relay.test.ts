import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import type { Consumer } from "kafkajs";
import type { Sql } from "postgres";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../platform/logger.ts";
import { decodeEvent } from "../codec.ts";
import { startTestBroker, type TestBroker, testKafka } from "../testing/broker.ts";
import { openTestDatabase, type TestDatabase } from "../testing/database.ts";
import { collectMessages, type Received } from "../testing/records.ts";
import { waitFor } from "../testing/wait.ts";
import { Topics } from "../topics.ts";
import type { Db } from "./db.ts";
import { enqueueEvents, insertOutboxRows } from "./enqueue.ts";
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

  /** The same database, through a drizzle instance that records every statement the relay sends. */
  function recorded(statements: string[]): Db {
    const logger = { logQuery: (query: string) => statements.push(query) };
    const client = (database.db as unknown as { $client: unknown }).$client;
    return database.kind === "pglite"
      ? drizzlePglite({ client: client as PGlite, logger })
      : drizzlePostgres({ client: client as Sql, logger });
  }

  /** What a unit of work does: write the events in a transaction, then hand the committed rows over. */
  async function commitAndHandOver(running: OutboxRelay, events: Parameters<typeof insertOutboxRows>[1]) {
    const rows = await database.db.transaction((tx) => insertOutboxRows(tx, events));
    running.wake(rows);
    return rows.map((row) => row.id);
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

  it("produces rows handed over after commit without reading them back, then marks them sent", async () => {
    const statements: string[] = [];
    const running = relay({ db: recorded(statements), idleCheckMs: 60_000 });
    await running.whenDrained();
    statements.length = 0;
    const ids = await commitAndHandOver(running, [placed("o-20", 1), placed("o-20", 2)]);
    await waitFor(() => running.counters.published === 2, "the handed-over rows published");
    await waitFor(() => receivedIds(ids).length === 2, "both events on the topic");
    expect(statements.filter((s) => /^select/i.test(s))).toEqual([]);
    expect(statements.filter((s) => /^update "outbox"/i.test(s))).toHaveLength(1);
    expect((await running.backlog()).pending).toBe(0);
    const statuses = received
      .filter((message) => ids.includes(message.headers.ce_id ?? ""))
      .map((message) => decodeEvent(Topics.OrderStatusChanged, message).payload.status);
    expect(statuses).toEqual(["STEP_1", "STEP_2"]);
  });

  it("produces more handed-over rows than a batch in batches, in order, still without a read", async () => {
    const statements: string[] = [];
    const running = relay({ db: recorded(statements), idleCheckMs: 60_000, batchSize: 2 });
    await running.whenDrained();
    statements.length = 0;
    const ids = await commitAndHandOver(
      running,
      [1, 2, 3, 4, 5].map((n) => placed("o-24", n)),
    );
    await waitFor(() => running.counters.published === 5, "the five handed-over rows published");
    await waitFor(() => receivedIds(ids).length === 5, "all five events on the topic");
    expect(statements.filter((s) => /^select/i.test(s))).toEqual([]);
    // One mark per Kafka request of at most two rows.
    expect(statements.filter((s) => /^update "outbox"/i.test(s))).toHaveLength(3);
    expect(receivedIds(ids)).toEqual(ids);
  });

  it("never lets a handed-over row overtake an older unsent one, nor publishes a row twice", async () => {
    const running = relay({ idleCheckMs: 60_000 });
    await running.whenDrained();
    const ids: string[] = [];
    for (let n = 1; n <= 6; n++) {
      if (n % 2 === 1) {
        // A consumer's transaction: it only says that it committed something.
        ids.push(...(await enqueueEvents(database.db, [placed("o-21", n)])));
        running.wake();
      } else {
        ids.push(...(await commitAndHandOver(running, [placed("o-21", n)])));
      }
    }
    await running.whenDrained();
    await waitFor(() => receivedIds(ids).length >= 6, "all six events");
    // Anything still in flight would show up as a duplicate.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receivedIds(ids)).toEqual(ids);
  });

  it("publishes a row once when it is handed over while a read that has it is running", async () => {
    const running = relay({ idleCheckMs: 60_000 });
    await running.whenDrained();
    const rows = await database.db.transaction((tx) => insertOutboxRows(tx, [placed("o-23", 1)]));
    // The read pass starts on this wake(); the hand-over lands after it took its snapshot, before it ends.
    running.wake();
    await new Promise((resolve) => setImmediate(resolve));
    running.wake(rows);
    // Not whenDrained(): its own wake() would turn the next pass into a read and hide a second publish.
    await waitFor(() => receivedIds([rows[0]!.id]).length >= 1, "the event");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receivedIds([rows[0]!.id])).toHaveLength(1);
    expect(running.counters.published).toBe(1);
  });

  it("does not send again, after a restart, a row Kafka kept but the crash left unmarked", async () => {
    const first = relay({ idleCheckMs: 60_000 });
    await first.whenDrained();
    // The "crash": marking sent fails, after the records are on Kafka.
    await database.db.execute(sql`
      create function refuse_mark() returns trigger language plpgsql as $$
      begin raise exception 'simulated crash before marking sent'; end $$`);
    await database.db.execute(
      sql`create trigger refuse_mark before update on outbox for each row execute function refuse_mark()`,
    );
    let ids: string[] = [];
    try {
      ids = await commitAndHandOver(first, [placed("o-22", 1)]);
      await waitFor(() => receivedIds(ids).length === 1, "the record produced by the fast path");
      await waitFor(() => first.counters.failures >= 1, "marking it sent to fail");
      await first.stop();
      relays.splice(relays.indexOf(first), 1);
    } finally {
      await database.db.execute(sql`drop trigger if exists refuse_mark on outbox`);
      await database.db.execute(sql`drop function if exists refuse_mark()`);
    }
    expect((await first.backlog()).pending).toBe(1);

    const restarted = relay({ idleCheckMs: 60_000 });
    await restarted.whenDrained();
    expect((await restarted.backlog()).pending).toBe(0);
    // A later event on the same key arrives after anything the restart could have sent again.
    const [later] = await commitAndHandOver(restarted, [placed("o-22", 2)]);
    await waitFor(() => receivedIds([later!]).length === 1, "the next event");
    expect(receivedIds(ids)).toHaveLength(1);
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

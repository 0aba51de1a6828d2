import { randomUUID } from "node:crypto";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { eq, sql } from "drizzle-orm";
import { pgTable, text } from "drizzle-orm/pg-core";
import type { Consumer, Producer } from "kafkajs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../platform/logger.ts";
import { startTracing, type Tracing } from "../../platform/tracing/index.ts";
import { encodeEvent } from "../codec.ts";
import { enqueueEvent } from "../outbox/enqueue.ts";
import { outbox, processedEvents } from "../outbox/schema.ts";
import { fastConsumer, startTestBroker, type TestBroker, testKafka } from "../testing/broker.ts";
import { openTestDatabase, type TestDatabase } from "../testing/database.ts";
import { collectMessages, type Received } from "../testing/records.ts";
import { waitFor } from "../testing/wait.ts";
import { dlqTopic, type EventInit, Topics } from "../topics.ts";
import { type ConsumerHandlers, type ConsumerOptions, type RunningConsumer, startConsumer } from "./index.ts";
import { pruneProcessed } from "./prune.ts";

/** What the handlers under test write: a stand-in for a subgraph's own tables. */
const applied = pgTable("applied", { eventId: text("event_id").primaryKey(), note: text("note").notNull() });

const registered = (userId: string): EventInit<typeof Topics.UserRegistered> => ({
  entity: { typename: "User", id: userId },
  userId,
  email: `${userId}@example.com`,
  name: userId,
  roles: ["CUSTOMER"],
});

describe(`the consumer kit (${process.env.DATABASE_URL ? "postgres" : "pglite"})`, () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let producer: Producer;
  const running: Array<RunningConsumer | Consumer> = [];
  const spans = new InMemorySpanExporter();
  let tracing: Tracing | null;

  async function consume(handlers: ConsumerHandlers, extra: Partial<ConsumerOptions> = {}) {
    const consumer = await startConsumer({
      kafka: testKafka(broker.address, "consumer"),
      groupId: `group-${randomUUID()}`,
      db: database.db,
      source: "/subgraphs/feed",
      logger: silentLogger,
      handlers,
      retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 100 },
      ...fastConsumer,
      ...extra,
    });
    running.push(consumer);
    return consumer;
  }

  async function publish(topic: typeof Topics.UserRegistered, userId: string, id = randomUUID()) {
    const message = encodeEvent({
      id,
      topic,
      key: userId,
      payload: registered(userId),
      source: "/subgraphs/accounts",
    });
    await producer.send({ topic, messages: [message] });
    return id;
  }

  async function deadLetters(topic: string): Promise<Received[]> {
    const into: Received[] = [];
    running.push(await collectMessages(testKafka(broker.address, "dlq-reader"), [dlqTopic(topic)], into));
    return into;
  }

  const appliedNotes = async () =>
    (await database.db.select().from(applied).orderBy(applied.note)).map((r) => r.note);

  beforeAll(async () => {
    tracing = await startTracing({ serviceName: "consumer-test", exporter: spans });
    [broker, database] = await Promise.all([startTestBroker(), openTestDatabase()]);
    await database.db.execute(sql`create table applied (event_id text primary key, note text not null)`);
    producer = testKafka(broker.address, "producer").producer();
    await producer.connect();
  });
  afterEach(async () => {
    while (running.length > 0) {
      const next = running.pop()!;
      await ("disconnect" in next ? next.disconnect() : next.stop());
    }
    await database.db.execute(sql`truncate applied, processed_events, outbox`);
  });
  afterAll(async () => {
    await producer?.disconnect();
    await broker?.stop();
    await database?.close();
    await tracing?.shutdown();
  });

  it("applies an event delivered twice only once", async () => {
    const id = await publish(Topics.UserRegistered, "u-1");
    await publish(Topics.UserRegistered, "u-1", id);
    const consumer = await consume({
      [Topics.UserRegistered]: async (event, tx) => {
        await tx.insert(applied).values({ eventId: randomUUID(), note: event.payload.email });
      },
    });
    await waitFor(() => consumer.counters.consumed === 2, "both deliveries");
    expect(await appliedNotes()).toEqual(["u-1@example.com"]);
    expect(consumer.counters.duplicates).toBe(1);
    const [mark] = await database.db.select().from(processedEvents).where(eq(processedEvents.eventId, id));
    expect(mark?.topic).toBe(Topics.UserRegistered);
  });

  it("continues the producer's trace, and hands it on to the follow-up events its handler enqueues", async () => {
    // A topic no other test here reads: every consumer starts at the beginning of its topic.
    const topic = Topics.ProductUpdated;
    const traceId = randomUUID().replaceAll("-", "");
    const producerSpanId = "00f067aa0ba902b7";
    const payload = { entity: { typename: "Product", id: "p-traced" }, productId: "p-traced" };
    await producer.send({
      topic,
      messages: [
        encodeEvent({
          id: randomUUID(),
          topic,
          key: "p-traced",
          payload,
          source: "/test",
          extraHeaders: { traceparent: `00-${traceId}-${producerSpanId}-01` },
        }),
      ],
    });
    const consumer = await consume({
      [topic]: async (event, tx) => {
        await enqueueEvent(tx, { topic: Topics.StockLow, key: event.payload.productId, payload: {} });
      },
    });
    await waitFor(() => consumer.counters.consumed === 1, "the traced event");

    const processing = spans.getFinishedSpans().find((s) => s.spanContext().traceId === traceId);
    expect(processing?.name).toBe(`process ${topic}`);
    expect(processing?.parentSpanContext?.spanId).toBe(producerSpanId);
    const [followUp] = await database.db.select({ headers: outbox.headers }).from(outbox);
    // Same trace, and the consumer's span as parent: the next consumer's span hangs below this one.
    expect(followUp?.headers).toEqual({
      traceparent: `00-${traceId}-${processing?.spanContext().spanId}-01`,
    });
  });

  it("retries a handler that fails twice, then applies it once", async () => {
    const topic = Topics.UserUpdated;
    const attempts: number[] = [];
    const id = randomUUID();
    const payload = { entity: { typename: "User", id: "u-2" }, userId: "u-2", name: "Two", roles: [] };
    await producer.send({
      topic,
      messages: [encodeEvent({ id, topic, key: "u-2", payload, source: "/test" })],
    });
    const consumer = await consume({
      [topic]: async (event, tx) => {
        await tx.insert(applied).values({ eventId: event.id, note: `attempt ${attempts.length + 1}` });
        attempts.push(Date.now());
        if (attempts.length < 3) throw new Error("database hiccup");
      },
    });
    await waitFor(() => consumer.counters.consumed === 1, "the event to be applied");
    // The failed attempts rolled back their writes; only the third one's stayed.
    expect(await appliedNotes()).toEqual(["attempt 3"]);
    expect(consumer.counters).toMatchObject({ retries: 2, deadLettered: 0, duplicates: 0 });
  });

  it("dead-letters an event whose handler always fails, and goes on with the rest of the partition", async () => {
    const topic = Topics.ProductDeleted;
    const dead = randomUUID();
    const next = randomUUID();
    const payload = (productId: string) => ({ entity: { typename: "Product", id: productId }, productId });
    await producer.send({
      topic,
      messages: [
        encodeEvent({ id: dead, topic, key: "p-1", payload: payload("p-poison"), source: "/test" }),
        encodeEvent({ id: next, topic, key: "p-1", payload: payload("p-fine"), source: "/test" }),
      ],
    });
    const letters = await deadLetters(topic);
    let committed = 0;
    const consumer = await consume(
      {
        [topic]: async (event, tx) => {
          // The follow-up event must vanish with the failed attempt, and leave with the successful one.
          await enqueueEvent(tx, { topic: Topics.StockLow, key: event.payload.productId, payload: {} });
          if (event.payload.productId === "p-poison") throw new Error("product p-poison is cursed");
          await tx.insert(applied).values({ eventId: event.id, note: event.payload.productId });
        },
      },
      { onCommitted: () => committed++ },
    );
    await waitFor(
      () => consumer.counters.consumed === 2 && letters.length === 1,
      "the dead letter and the next event",
    );
    expect(await appliedNotes()).toEqual(["p-fine"]);
    expect(consumer.counters).toMatchObject({ deadLettered: 1, retries: 2 });
    expect(letters[0]?.headers).toMatchObject({
      ce_id: dead,
      dlq_error: "Error: product p-poison is cursed",
      dlq_attempts: "3",
      dlq_original_topic: topic,
      dlq_original_partition: expect.stringMatching(/^\d$/),
      dlq_original_offset: expect.stringMatching(/^\d+$/),
    });
    expect(letters[0]?.key).toBe("p-1");
    expect(await database.db.select({ topic: outbox.topic }).from(outbox)).toEqual([
      { topic: Topics.StockLow },
    ]);
    expect(committed).toBe(1);
  });

  it("dead-letters an undecodable message at once, without calling the handler", async () => {
    const topic = Topics.PostDeleted;
    const letters = await deadLetters(topic);
    const good = encodeEvent({
      id: randomUUID(),
      topic,
      key: "post-1",
      payload: { entity: { typename: "Post", id: "post-1" }, postId: "post-1", authorId: "u-1" },
      source: "/test",
    });
    await producer.send({
      topic,
      messages: [
        { key: "post-1", value: "this is not protobuf", headers: { ce_id: "x" } },
        { ...good, value: Buffer.from([0xff, 0xff, 0xff]) },
        good,
      ],
    });
    const handled: string[] = [];
    const consumer = await consume({
      [topic]: async (event) => {
        handled.push(event.payload.postId);
      },
    });
    await waitFor(
      () => consumer.counters.consumed === 3 && letters.length === 2,
      "two dead letters and one event",
    );
    expect(handled).toEqual(["post-1"]);
    expect(letters.map((letter) => letter.headers.dlq_attempts)).toEqual(["0", "0"]);
    expect(letters[0]?.headers.dlq_error).toMatch(/EventDecodeError: .*ce_specversion is missing/);
    expect(letters[1]?.headers.dlq_error).toMatch(
      /EventDecodeError: .*not a tributary.events.v1.PostDeleted/,
    );
    expect(letters[0]?.value?.toString()).toBe("this is not protobuf");
  });

  it("forgets processed marks older than the retention, and only those", async () => {
    await database.db.insert(processedEvents).values([
      { eventId: "old-1", topic: "t" },
      { eventId: "old-2", topic: "t" },
      { eventId: "new", topic: "t" },
    ]);
    await database.db.execute(
      sql`update processed_events set processed_at = now() - interval '8 days' where event_id like 'old-%'`,
    );
    const weekAgo = new Date(Date.now() - 7 * 24 * 3600_000);
    expect(await pruneProcessed(database.db, weekAgo, 1)).toBe(1);
    expect(await pruneProcessed(database.db, weekAgo)).toBe(1);
    expect(await database.db.select({ id: processedEvents.eventId }).from(processedEvents)).toEqual([
      { id: "new" },
    ]);
  });

  it("subscribes to nothing when given no handlers", async () => {
    const consumer = await consume({});
    expect(consumer.counters.consumed).toBe(0);
  });
});

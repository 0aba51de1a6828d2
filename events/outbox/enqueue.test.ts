import { trace } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { sql } from "drizzle-orm";
import { integer, pgTable, text } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startTracing, type Tracing, tracer } from "../../platform/tracing/index.ts";
import { openTestDatabase, type TestDatabase } from "../testing/database.ts";
import { stockChangedEvent } from "../testing/events.ts";
import { Topics } from "../topics.ts";
import type { Db } from "./db.ts";
import { enqueueEvent, enqueueEvents } from "./enqueue.ts";
import { deleteSentBefore, markSent, measureBacklog, nextUnsent } from "./queries.ts";
import { outbox } from "./schema.ts";

/** A stand-in for a subgraph's own state, changed in the same transaction as the event. */
const stockTable = pgTable("stock", {
  productId: text("product_id").primaryKey(),
  available: integer("available").notNull(),
});

describe(`the outbox (${process.env.DATABASE_URL ? "postgres" : "pglite"})`, () => {
  let database: TestDatabase;
  let tracing: Tracing | null;

  beforeAll(async () => {
    // A registered provider gives spans real ids and the W3C propagator, as OTEL_EXPORTER_OTLP_ENDPOINT would.
    tracing = await startTracing({ serviceName: "outbox-test", exporter: new InMemorySpanExporter() });
    database = await openTestDatabase();
    await database.db.execute(sql`create table stock (product_id text primary key, available int not null)`);
  });
  afterAll(async () => {
    await database.close();
    await tracing?.shutdown();
  });
  beforeEach(async () => {
    await database.db.execute(sql`truncate outbox, stock`);
  });

  it("commits the state change and its event together", async () => {
    const id = await database.db.transaction(async (tx) => {
      await tx.insert(stockTable).values({ productId: "p-1", available: 5 });
      return enqueueEvent(tx, stockChangedEvent("p-1", 5));
    });
    const [row] = await database.db.select().from(outbox);
    expect(row).toMatchObject({
      id,
      topic: "inventory.stock.changed",
      key: "p-1",
      sentAt: null,
      headers: {},
    });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("leaves no event behind when the transaction rolls back", async () => {
    await expect(
      database.db.transaction(async (tx) => {
        await tx.insert(stockTable).values({ productId: "p-1", available: 5 });
        await enqueueEvent(tx, stockChangedEvent("p-1", 5));
        throw new Error("the caller changed its mind");
      }),
    ).rejects.toThrow("changed its mind");
    expect(await database.db.select().from(outbox)).toEqual([]);
    expect(await database.db.select().from(stockTable)).toEqual([]);
  });

  it("stores the payload as readable protobuf JSON, every field included", async () => {
    await enqueueEvent(database.db, {
      ...stockChangedEvent("p-2", 0),
      headers: { traceparent: "00-1-2-01" },
    });
    const [row] = await database.db.select().from(outbox);
    expect(row?.payload).toEqual({
      entity: { typename: "Product", id: "p-2" },
      productId: "p-2",
      quantity: 0,
      reserved: 0,
      available: 0,
      reason: "set",
    });
    expect(row?.headers).toEqual({ traceparent: "00-1-2-01" });
  });

  it("stamps the active span's traceparent on every event, so the consumer continues that trace", async () => {
    const span = await tracer.startActiveSpan("place order", async (active) => {
      await database.db.transaction((tx) =>
        enqueueEvents(tx, [stockChangedEvent("p-1", 1), stockChangedEvent("p-2", 2)]),
      );
      active.end();
      return active.spanContext();
    });
    const rows = await database.db.select({ headers: outbox.headers }).from(outbox);
    expect(rows).toHaveLength(2);
    for (const { headers } of rows) {
      expect(headers).toEqual({ traceparent: `00-${span.traceId}-${span.spanId}-01` });
    }
  });

  it("lets a caller's own traceparent win over the active span's, and stamps nothing outside a span", async () => {
    await tracer.startActiveSpan("relaying", async (active) => {
      await enqueueEvent(database.db, {
        ...stockChangedEvent("p-3", 3),
        headers: { traceparent: "00-given-01" },
      });
      active.end();
    });
    expect(trace.getActiveSpan()).toBeUndefined();
    await enqueueEvent(database.db, stockChangedEvent("p-4", 4));
    const rows = await database.db.select({ key: outbox.key, headers: outbox.headers }).from(outbox);
    expect(rows).toEqual([
      { key: "p-3", headers: { traceparent: "00-given-01" } },
      { key: "p-4", headers: {} },
    ]);
  });

  it("keeps a given id, and hands back batched ids in publishing order", async () => {
    const given = "00000000-0000-4000-8000-000000000001";
    expect(await enqueueEvent(database.db, { ...stockChangedEvent("p-1", 1), id: given })).toBe(given);
    const ids = await enqueueEvents(database.db, [
      stockChangedEvent("p-1", 2),
      stockChangedEvent("p-2", 3),
      stockChangedEvent("p-1", 4),
    ]);
    const unsent = await nextUnsent(database.db, 10);
    expect(unsent.map((row) => row.id)).toEqual([given, ...ids]);
    expect(unsent.map((row) => row.payload.available)).toEqual([1, 2, 3, 4]);
  });

  it("checks each payload against its topic's message at compile time", () => {
    // tsc fails on an unused @ts-expect-error, so these lines prove the mistakes are caught.
    const wrongField = (tx: Db) =>
      enqueueEvent(tx, {
        topic: Topics.ProductDeleted,
        key: "p-1",
        // @ts-expect-error: ProductDeleted has no price
        payload: { productId: "p-1", priceCents: 1 },
      });
    const wrongType = (tx: Db) =>
      enqueueEvent(tx, {
        topic: Topics.StockLow,
        key: "p-1",
        // @ts-expect-error: available is an int32, not a string
        payload: { productId: "p-1", available: "3" },
      });
    expect([wrongField, wrongType]).toHaveLength(2);
  });

  it("refuses an unknown topic from untyped callers", async () => {
    const bogus = {
      ...stockChangedEvent("p-1", 1),
      topic: "inventory.stock.vanished",
    } as unknown as ReturnType<typeof stockChangedEvent>;
    await expect(enqueueEvent(database.db, bogus)).rejects.toThrow(/unknown topic/);
  });

  it("measures the backlog: how many rows wait and how old the oldest is", async () => {
    expect(await measureBacklog(database.db)).toEqual({ pending: 0, oldestAgeMs: 0 });
    const [first] = await enqueueEvents(database.db, [
      stockChangedEvent("p-1", 1),
      stockChangedEvent("p-2", 2),
    ]);
    await database.db.execute(
      sql`update outbox set created_at = now() - interval '5 seconds' where id = ${first}`,
    );
    const backlog = await measureBacklog(database.db);
    expect(backlog.pending).toBe(2);
    expect(backlog.oldestAgeMs).toBeGreaterThanOrEqual(5_000);
    expect(backlog.oldestAgeMs).toBeLessThan(60_000);
    await markSent(database.db, [first!]);
    expect((await measureBacklog(database.db)).pending).toBe(1);
  });

  it("prunes only rows that were sent before the cutoff", async () => {
    const [old, recent, unsent] = await enqueueEvents(database.db, [
      stockChangedEvent("p-1", 1),
      stockChangedEvent("p-1", 2),
      stockChangedEvent("p-1", 3),
    ]);
    await markSent(database.db, [old!, recent!]);
    await database.db.execute(sql`update outbox set sent_at = now() - interval '2 days' where id = ${old}`);
    expect(await deleteSentBefore(database.db, new Date(Date.now() - 24 * 3600_000))).toBe(1);
    const left = await database.db.select({ id: outbox.id }).from(outbox).orderBy(outbox.seq);
    expect(left.map((row) => row.id)).toEqual([recent, unsent]);
  });
});

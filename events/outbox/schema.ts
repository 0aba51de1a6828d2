// The outbox and processed-events tables; every subgraph's db/schema.ts re-exports them so its migrations create them.
import type { JsonObject } from "@bufbuild/protobuf";
import { sql } from "drizzle-orm";
import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/** Events written in the same transaction as the state change they describe, published later by the relay. */
export const outbox = pgTable(
  "outbox",
  {
    /** The event id (CloudEvents `ce_id`), stable across redeliveries so consumers can deduplicate. */
    id: uuid("id").primaryKey(),
    /** Insertion order: the relay publishes by it, so events about one key leave in the order they were written. */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    topic: text("topic").notNull(),
    key: text("key").notNull(),
    /** The protobuf JSON form of the payload, readable with plain SQL. */
    payload: jsonb("payload").$type<JsonObject>().notNull(),
    /** Extra Kafka headers, such as trace context. */
    headers: jsonb("headers").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [
    // Keeps the relay's "next unsent rows" query cheap however many sent rows are still retained.
    index("outbox_unsent_idx").on(table.seq).where(sql`sent_at is null`),
    // Lets the retention cleanup find old sent rows without scanning the table.
    index("outbox_sent_at_idx").on(table.sentAt),
  ],
);

/** Events a consumer has applied, written in the handler's transaction: a redelivered event is skipped. */
export const processedEvents = pgTable("processed_events", {
  eventId: text("event_id").primaryKey(),
  topic: text("topic").notNull(),
  processedAt: timestamp("processed_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

export type OutboxRow = typeof outbox.$inferSelect;
export type ProcessedEventRow = typeof processedEvents.$inferSelect;

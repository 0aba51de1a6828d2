// Writing events into the outbox, inside the caller's transaction, so state and event commit or vanish together.
import { randomUUID } from "node:crypto";
import { traceHeaders } from "../../platform/tracing/propagation.ts";
import { payloadToJson } from "../codec.ts";
import { type EventInit, type EventPayload, isTopic, type Topic } from "../topics.ts";
import type { Db } from "./db.ts";
import { type OutboxRow, outbox } from "./schema.ts";

export interface OutboxEvent<T extends Topic = Topic> {
  topic: T;
  /** The Kafka key: the id of the entity, so all events about it land on one partition, in order. */
  key: string;
  payload: EventInit<T> | EventPayload<T>;
  /** Defaults to a fresh uuid v4. Pass one to make a retried command produce the same event. */
  id?: string;
  /** Extra Kafka headers. The active trace context is added on its own; a `traceparent` given here wins. */
  headers?: Record<string, string>;
}

/** One of the events, discriminated by `topic`, so an array of mixed events stays type-checked. */
export type AnyOutboxEvent = { [T in Topic]: OutboxEvent<T> }[Topic];

/** Returns the event id. Call it with the transaction that changes the state, then wake the relay after commit. */
export async function enqueueEvent<T extends Topic>(tx: Db, event: OutboxEvent<T>): Promise<string> {
  const [id] = await enqueueEvents(tx, [event as AnyOutboxEvent]);
  return id!;
}

/**
 * Batches the insert; ids come back in the order given, which is also the publishing order.
 * Every row carries the active span's `traceparent`, whoever enqueues (a mutation's transaction or a consumer
 * reacting to an event), so the relay's Kafka headers continue the trace to the next consumer.
 */
export async function enqueueEvents(tx: Db, events: readonly AnyOutboxEvent[]): Promise<string[]> {
  return (await insertOutboxRows(tx, events)).map((row) => row.id);
}

/**
 * enqueueEvents, answering with the rows as stored (seq, created_at) from the same INSERT: a unit of work
 * hands them to the relay after commit, which then publishes them without reading them back.
 */
export async function insertOutboxRows(tx: Db, events: readonly AnyOutboxEvent[]): Promise<OutboxRow[]> {
  if (events.length === 0) return [];
  for (const { topic } of events) {
    // The types already forbid this; the check is for callers that build events from untyped input.
    if (!isTopic(topic)) throw new Error(`cannot enqueue an event on unknown topic ${topic}`);
  }
  const traceContext = traceHeaders();
  const rows = events.map((event) => ({
    id: event.id ?? randomUUID(),
    topic: event.topic,
    key: event.key,
    payload: payloadToJson(event.topic, event.payload as EventInit<Topic>),
    headers: { ...traceContext, ...event.headers },
  }));
  // One multi-row INSERT takes its bigserial values in VALUES order, which fixes the publishing order.
  const stored = await tx.insert(outbox).values(rows).returning();
  // RETURNING does not promise VALUES order; seq does.
  return stored.sort((a, b) => a.seq - b.seq);
}

import { asc, sql } from "drizzle-orm";
import { pgTable, text } from "drizzle-orm/pg-core";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DecodedEvent, decodeEvent, encodeEvent } from "../codec.ts";
import { openTestDatabase, type TestDatabase } from "../testing/database.ts";
import { stockChangedEvent } from "../testing/events.ts";
import type { Topic } from "../topics.ts";
import { applyOnce } from "./apply.ts";

/** What the handler writes: one row per application, so a second application shows. */
const applied = pgTable("applied", {
  eventId: text("event_id").notNull(),
  productId: text("product_id").notNull(),
});

/** A decoded event as the consumer gets it from Kafka, with the outbox's stable id. */
function delivered(id: string, productId: string): DecodedEvent<Topic> {
  const { topic, key, payload } = stockChangedEvent(productId, 1);
  const encoded = encodeEvent({ id, topic, key, payload, source: "/subgraphs/inventory" });
  return decodeEvent(topic, encoded);
}

describe(`applying events once (${process.env.DATABASE_URL ? "postgres" : "pglite"})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
    await database.db.execute(sql`create table applied (event_id text not null, product_id text not null)`);
  });
  afterAll(() => database.close());

  it("applies each event id exactly once however deliveries repeat, interleave or fail and retry", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ event: fc.nat(6), together: fc.boolean(), fails: fc.boolean() }), {
          minLength: 1,
          maxLength: 25,
        }),
        async (deliveries) => {
          await database.db.execute(sql`truncate applied, processed_events`);
          const run = Math.random().toString(36).slice(2);
          const id = (n: number) => `${run}-${n}`;
          const handler = (fails: boolean) => async (event: DecodedEvent<Topic>, tx: TestDatabase["db"]) => {
            await tx.insert(applied).values({ eventId: event.id, productId: event.subject });
            // A failure after the write: the transaction, processed mark included, rolls back.
            if (fails) throw new Error("handler failed");
          };
          const outcomes: Promise<unknown>[] = [];
          for (const { event, together, fails } of deliveries) {
            const attempt = applyOnce(database.db, delivered(id(event), `p-${event}`), handler(fails)).catch(
              () => applyOnce(database.db, delivered(id(event), `p-${event}`), handler(false)),
            );
            outcomes.push(attempt);
            if (!together) await attempt;
          }
          await Promise.all(outcomes);
          const rows = await database.db.select().from(applied).orderBy(asc(applied.eventId));
          const expected = [...new Set(deliveries.map((d) => id(d.event)))].sort();
          expect(rows.map((r) => r.eventId)).toEqual(expected);
        },
      ),
      { numRuns: 30 },
    );
  });
});

import { asc, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type OutboxRow, outbox } from "../../events/outbox/schema.ts";
import { openTestDatabase, type TestDatabase } from "../../events/testing/database.ts";
import { stockChangedEvent } from "../../events/testing/events.ts";
import { createUnitOfWork } from "./unit-of-work.ts";

describe("the unit of work", () => {
  let database: TestDatabase;
  const handed: OutboxRow[][] = [];
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });
  beforeEach(async () => {
    handed.length = 0;
    await database.db.execute(sql`truncate outbox`);
  });

  it("hands the committed outbox rows, as stored and in order, to the relay after commit", async () => {
    const work = createUnitOfWork(database.db, (rows) => handed.push([...rows]));
    await work.transact(async (_tx, publish) => {
      await publish(stockChangedEvent("p-1", 3));
      await publish(stockChangedEvent("p-1", 4));
      // Not yet: the relay must never see rows that could still roll back.
      expect(handed).toEqual([]);
    });
    const stored = await database.db.select({ id: outbox.id }).from(outbox).orderBy(asc(outbox.seq));
    expect(handed).toHaveLength(1);
    expect(handed[0]!.map((row) => row.id)).toEqual(stored.map((row) => row.id));
    expect(handed[0]!.map((row) => row.payload.available)).toEqual([3, 4]);
    expect(handed[0]![0]!.createdAt).toBeInstanceOf(Date);
    expect(handed[0]![0]!.sentAt).toBeNull();
  });

  it("hands nothing over for a transaction that rolls back or publishes nothing", async () => {
    const work = createUnitOfWork(database.db, (rows) => handed.push([...rows]));
    await expect(
      work.transact(async (_tx, publish) => {
        await publish(stockChangedEvent("p-2", 1));
        throw new Error("changed my mind");
      }),
    ).rejects.toThrow("changed my mind");
    await work.transact(async () => "no events");
    expect(handed).toEqual([]);
  });
});

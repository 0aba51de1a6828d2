import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../database.ts";
import { clientWith } from "../pglite-calls.ts";
import { countInFlight, countPostgresInFlight } from "./in-flight.ts";

interface Engine {
  name: string;
  open(): Promise<{ db: Db; inFlight: () => number; close(): Promise<void> }>;
}

const engines: Engine[] = [
  {
    name: "PGlite",
    async open() {
      const instance = new PGlite();
      const { client, inFlight } = countInFlight(instance);
      return {
        db: drizzlePglite({ client: clientWith(instance, client) }) as unknown as Db,
        inFlight,
        close: () => instance.close(),
      };
    },
  },
];
// The machine's Postgres, as the other suites pick it: only when DATABASE_URL says where it is.
const serverUrl = process.env.DATABASE_URL;
if (serverUrl) {
  engines.push({
    name: "postgres.js",
    async open() {
      const pool = postgres(serverUrl, { max: 4, onnotice: () => {} });
      const { client, inFlight } = countPostgresInFlight(pool);
      return { db: drizzlePostgres({ client }) as unknown as Db, inFlight, close: () => pool.end() };
    },
  });
}

/** Resolves once the count is reached; it moves as the driver starts work, a few ticks after the call. */
async function until(count: () => number, expected: number): Promise<void> {
  for (let i = 0; i < 200 && count() !== expected; i++) await new Promise((r) => setTimeout(r, 5));
  expect(count()).toBe(expected);
}

for (const engine of engines) {
  describe(`queries in flight on ${engine.name}`, () => {
    let database: Awaited<ReturnType<Engine["open"]>>;
    beforeAll(async () => {
      database = await engine.open();
    });
    afterAll(() => database?.close());

    it("counts statements waiting on the database, and drops back to zero when they finish", async () => {
      const table = sql.identifier(`in_flight_${Date.now()}`);
      await database.db.execute(sql`create table ${table} (id int primary key, n int not null)`);
      await database.db.execute(sql`insert into ${table} values (1, 0)`);
      expect(database.inFlight()).toBe(0);
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      // The transaction holds the row, so the two updates wait: on Postgres for the lock, on PGlite for the
      // one connection. Either way three callers are waiting on the database.
      const holder = database.db.transaction(async (tx) => {
        await tx.execute(sql`select n from ${table} where id = 1 for update`);
        await held;
      });
      await until(database.inFlight, 1);
      // drizzle's query objects are lazy too: Promise.resolve starts each one without awaiting it.
      const updates = [1, 2].map(() =>
        Promise.resolve(database.db.execute(sql`update ${table} set n = n + 1 where id = 1`)),
      );
      await until(database.inFlight, 3);
      release();
      await Promise.all([holder, ...updates]);
      expect(database.inFlight()).toBe(0);
      // postgres.js answers with the rows, PGlite with { rows }.
      const result: unknown = await database.db.execute(sql`select n from ${table}`);
      const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{
        n: number;
      }>;
      expect(rows[0]?.n).toBe(2);
      await database.db.execute(sql`drop table ${table}`);
    });

    it("counts a transaction once, however many statements it runs, and also when it fails", async () => {
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      const transaction = database.db.transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        await tx.execute(sql`select 2`);
        await held;
        throw new Error("rolled back on purpose");
      });
      await until(database.inFlight, 1);
      release();
      await expect(transaction).rejects.toThrow("rolled back on purpose");
      expect(database.inFlight()).toBe(0);
    });
  });
}

import { PGlite, types } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { date, integer, interval, jsonb, numeric, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { drizzle } from "drizzle-orm/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientWith } from "./pglite-calls.ts";
import { parseOnce, TEXT_KEPT_TYPES } from "./pglite-parsers.ts";
import { pgliteTemplate } from "./pglite-template.ts";

const samples = pgTable("samples", {
  id: integer("id").primaryKey(),
  ref: uuid("ref").notNull(),
  at: timestamp("at", { withTimezone: true, mode: "date" }).notNull(),
  localAt: timestamp("local_at", { mode: "string" }).notNull(),
  day: date("day").notNull(),
  wait: interval("wait").notNull(),
  amount: numeric("amount").notNull(),
  moments: timestamp("moments", { withTimezone: true, mode: "string" }).array().notNull(),
  days: date("days").array().notNull(),
  doc: jsonb("doc").$type<{ tags: string[] }>().notNull(),
});

const CREATE = sql`create table samples (id int primary key, ref uuid not null, at timestamptz not null,
  local_at timestamp not null, day date not null, wait interval not null, amount numeric not null,
  moments timestamptz[] not null, days date[] not null, doc jsonb not null)`;

const ROW = {
  id: 1,
  ref: "6f1c1b9e-3f7e-4d8a-9a55-0c6de0b0a1c2",
  at: new Date("2026-12-05T10:30:00.123Z"),
  localAt: "2026-12-05 10:30:00.5",
  day: "2026-12-05",
  wait: "1 day 02:03:04",
  amount: "12.50",
  moments: ["2026-12-05 10:30:00+00", "2026-12-06 11:00:00+00"],
  days: ["2026-12-05", "2026-12-06"],
  doc: { tags: ["a", "b"] },
};

async function open(lean: boolean) {
  const empty = await pgliteTemplate();
  const instance = await PGlite.create(empty ? { loadDataDir: empty } : {});
  const client = lean ? clientWith(instance, parseOnce(instance)) : instance;
  const db = drizzle({ client });
  await db.execute(CREATE);
  await db.insert(samples).values(ROW);
  return { client, db };
}

describe("parseOnce", () => {
  let plain: Awaited<ReturnType<typeof open>>;
  let lean: Awaited<ReturnType<typeof open>>;
  beforeAll(async () => {
    [plain, lean] = await Promise.all([open(false), open(true)]);
  });
  afterAll(async () => {
    await Promise.all([plain?.client.close(), lean?.client.close()]);
  });

  it("installs exactly the parsers drizzle's PGlite driver sends with each query, all keeping text", () => {
    const prepared = plain.db.select().from(samples).prepare("probe") as unknown as {
      queryConfig: { parsers: Record<string, (value: string) => unknown> };
    };
    const sent = prepared.queryConfig.parsers;
    expect(new Set(Object.keys(sent).map(Number))).toEqual(TEXT_KEPT_TYPES);
    for (const parse of Object.values(sent))
      expect(parse("2026-12-05 10:30:00+00")).toBe("2026-12-05 10:30:00+00");
  });

  it("reads every column type the same through drizzle, at top level and in a transaction", async () => {
    const expected = await plain.db.select().from(samples);
    expect(expected[0]).toEqual(ROW);
    expect(await lean.db.select().from(samples)).toEqual(expected);
    expect(await lean.db.transaction((tx) => tx.select().from(samples))).toEqual(expected);
    const raw = sql`select at, day, wait, moments from samples`;
    expect((await lean.db.execute(raw)).rows).toEqual((await plain.db.execute(raw)).rows);
  });

  it("leaves parsers it does not know to the query that asked for them", async () => {
    const parsers = { [types.INT4]: (value: string) => `#${value}` };
    const { rows } = await lean.client.query<{ id: string }>("select id from samples", [], { parsers });
    expect(rows).toEqual([{ id: "#1" }]);
  });

  it("puts its parsers back when PGlite rebuilds its array parsers", async () => {
    await lean.client.refreshArrayTypes();
    expect(await lean.db.select({ moments: samples.moments }).from(samples)).toEqual([
      { moments: ROW.moments },
    ]);
  });
});

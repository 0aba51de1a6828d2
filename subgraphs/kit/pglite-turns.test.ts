import { PGlite } from "@electric-sql/pglite";
import { afterEach, describe, expect, it } from "vitest";
import type { PgliteCalls } from "./pglite-calls.ts";
import { pgliteTemplate } from "./pglite-template.ts";
import { takeTurns } from "./pglite-turns.ts";

const BURST = 300;
let client: PGlite | undefined;

afterEach(async () => {
  await client?.close();
  client = undefined;
});

async function openWithTable(): Promise<PGlite> {
  const empty = await pgliteTemplate();
  client = await PGlite.create(empty ? { loadDataDir: empty } : {});
  await client.exec("create table entries (seq serial primary key, caller int not null)");
  return client;
}

/** Starts BURST transactions at once; resolves with how many had finished when a timer queued alongside fired. */
async function finishedWhenTimerFired(db: PgliteCalls): Promise<number> {
  let finished = 0;
  const burst = Array.from({ length: BURST }, (_, caller) =>
    db
      .transaction(async (tx) => {
        await tx.query("insert into entries (caller) values ($1)", [caller]);
        await tx.query("select count(*) from entries");
      })
      .then(() => {
        finished++;
      }),
  );
  const atTimer = new Promise<number>((resolve) => setTimeout(() => resolve(finished), 0));
  await Promise.all(burst);
  return atTimer;
}

describe("takeTurns", () => {
  it("lets the event loop turn while a queue of transactions is still running", async () => {
    const db = takeTurns(await openWithTable(), 5);
    expect(await finishedWhenTimerFired(db)).toBeLessThan(BURST);
  });

  it("without it, a timer waits until the whole queue has run (the stall it exists for)", async () => {
    const db = await openWithTable();
    expect(await finishedWhenTimerFired(db)).toBe(BURST);
  });

  it("counts one caller's statements one after another as holding the loop too", async () => {
    const db = takeTurns(await openWithTable(), 5);
    let done = 0;
    const timer = new Promise<number>((resolve) => setTimeout(() => resolve(done), 0));
    for (; done < BURST; done++) await db.query("insert into entries (caller) values ($1)", [done]);
    expect(await timer).toBeLessThan(BURST);
  });

  it("keeps arrival order and every caller's result", async () => {
    const db = takeTurns(await openWithTable(), 0);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, caller) =>
        db.query<{ caller: number }>("insert into entries (caller) values ($1) returning caller", [caller]),
      ),
    );
    expect(results.map((r) => r.rows[0]?.caller)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const stored = await db.query<{ caller: number }>("select caller from entries order by seq");
    expect(stored.rows.map((r) => r.caller)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("passes a failing statement's error to its caller and goes on with the next", async () => {
    const db = takeTurns(await openWithTable(), 0);
    const failing = db.query("insert into missing_table values (1)");
    const next = db.query<{ one: number }>("select 1 as one");
    await expect(failing).rejects.toThrow(/missing_table/);
    expect((await next).rows).toEqual([{ one: 1 }]);
  });

  it("rolls back a transaction whose work throws, and later callers still run", async () => {
    const db = takeTurns(await openWithTable(), 0);
    const failed = db.transaction(async (tx) => {
      await tx.query("insert into entries (caller) values (1)");
      throw new Error("refused");
    });
    await expect(failed).rejects.toThrow("refused");
    const count = await db.query<{ n: number }>("select count(*)::int as n from entries");
    expect(count.rows[0]?.n).toBe(0);
  });
});

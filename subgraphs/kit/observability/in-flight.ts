// Counts a database client's queries and transactions in flight, for the tributary_db_queries_in_flight gauge.
// A transaction counts once, whatever it runs inside: the gauge says how many callers wait on the database.
// Each driver's client is wrapped, never changed: drizzle is handed a view of it (kit/facade.ts).
import type { Sql } from "postgres";
import { withOverrides } from "../facade.ts";
import type { PgliteCalls } from "../pglite-calls.ts";

type Counter = { running: number };

const tracked =
  <A extends unknown[], R>(counter: Counter, call: (...args: A) => Promise<R>) =>
  async (...args: A): Promise<R> => {
    counter.running++;
    try {
      return await call(...args);
    } finally {
      counter.running--;
    }
  };

export interface Counted<C> {
  /** What drizzle is given: the same client, counting. */
  client: C;
  /** Queries (a transaction counts once) running now. */
  inFlight: () => number;
}

/** The entry points drizzle's PGlite driver uses, counted. */
export function countInFlight(calls: PgliteCalls): Counted<PgliteCalls> {
  const counter: Counter = { running: 0 };
  return {
    client: {
      query: tracked(counter, calls.query.bind(calls)) as PgliteCalls["query"],
      exec: tracked(counter, calls.exec.bind(calls)),
      transaction: tracked(counter, calls.transaction.bind(calls)) as PgliteCalls["transaction"],
    },
    inFlight: () => counter.running,
  };
}

/**
 * The pool with the entry points drizzle's postgres.js driver uses counted: `unsafe` for statements, `begin`
 * for transactions. postgres.js queries are lazy (they run when first awaited), so a statement counts from
 * its first `then` until it settles, not from when it was built.
 */
export function countPostgresInFlight(pool: Sql): Counted<Sql> {
  const counter: Counter = { running: 0 };
  const unsafe = pool.unsafe.bind(pool);
  const begin = pool.begin.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  const client = withOverrides(pool, {
    unsafe: ((...args: Parameters<Sql["unsafe"]>) => countOnRun(counter, unsafe(...args))) as Sql["unsafe"],
    begin: tracked(counter, begin) as Sql["begin"],
  });
  return { client, inFlight: () => counter.running };
}

function countOnRun<Q extends PromiseLike<unknown>>(counter: Counter, query: Q): Q {
  let started = false;
  const settled = () => {
    counter.running--;
  };
  return withOverrides<Q>(query, {
    // biome-ignore lint/suspicious/noThenProperty: the view is a thenable like the query it shows; this only observes its first run.
    then: ((...args: Parameters<Q["then"]>) => {
      if (!started) {
        started = true;
        counter.running++;
        query.then(settled, settled);
      }
      return query.then(...args);
    }) as Q["then"],
  } as Partial<Q>);
}

// Counts a database client's queries and transactions in flight, for the tributary_db_queries_in_flight gauge.
// A transaction counts once, whatever it runs inside: the gauge says how many callers wait on the database.
import type { PGlite } from "@electric-sql/pglite";
import type { Sql } from "postgres";

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

/** Wraps the entry points drizzle's PGlite driver uses. */
export function countInFlight(client: PGlite): () => number {
  const counter: Counter = { running: 0 };
  client.query = tracked(counter, client.query.bind(client)) as PGlite["query"];
  client.exec = tracked(counter, client.exec.bind(client)) as PGlite["exec"];
  client.transaction = tracked(counter, client.transaction.bind(client)) as PGlite["transaction"];
  return () => counter.running;
}

/**
 * Wraps the entry points drizzle's postgres.js driver uses: `unsafe` for statements, `begin` for transactions.
 * postgres.js queries are lazy (they run when first awaited), so a statement counts from its first `then`
 * until it settles, not from when it was built.
 */
export function countPostgresInFlight(pool: Sql): () => number {
  const counter: Counter = { running: 0 };
  const unsafe = pool.unsafe.bind(pool);
  pool.unsafe = ((...args: Parameters<Sql["unsafe"]>) =>
    countOnRun(counter, unsafe(...args))) as Sql["unsafe"];
  pool.begin = tracked(
    counter,
    pool.begin.bind(pool) as (...args: unknown[]) => Promise<unknown>,
  ) as Sql["begin"];
  return () => counter.running;
}

function countOnRun<Q extends PromiseLike<unknown>>(counter: Counter, query: Q): Q {
  const then = query.then;
  let started = false;
  const settled = () => {
    counter.running--;
  };
  // biome-ignore lint/suspicious/noThenProperty: the query already is a thenable; this only observes its first run.
  query.then = function (this: Q, ...args: Parameters<Q["then"]>) {
    if (!started) {
      started = true;
      counter.running++;
      then.call(query, settled, settled);
    }
    return then.apply(query, args);
  } as Q["then"];
  return query;
}

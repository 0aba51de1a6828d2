// Counts a PGlite client's queries and transactions in flight, for the tributary_db_queries_in_flight gauge.
import type { PGlite } from "@electric-sql/pglite";

/** Wraps the entry points drizzle uses; a transaction counts once, whatever it runs inside. */
export function countInFlight(client: PGlite): () => number {
  let running = 0;
  const track =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      running++;
      try {
        return await call(...args);
      } finally {
        running--;
      }
    };
  client.query = track(client.query.bind(client)) as PGlite["query"];
  client.exec = track(client.exec.bind(client)) as PGlite["exec"];
  client.transaction = track(client.transaction.bind(client)) as PGlite["transaction"];
  return () => running;
}

// drizzle passes PGlite its "keep as text" parsers (timestamps, intervals, dates and their arrays) with every
// query, and PGlite merges them into its own table of a few hundred parsers with an object spread per query:
// a large share of a primary-key lookup's CPU. Installed once in the client's own table, the per-query copies
// can be dropped: the same parser runs for every column.
import { type PGlite, type QueryOptions, types } from "@electric-sql/pglite";
import { withOverrides } from "./facade.ts";
import type { PgliteCalls } from "./pglite-calls.ts";

/** The type oids drizzle's PGlite driver (drizzle-orm/pglite/session.js) keeps as text. */
export const TEXT_KEPT_TYPES: ReadonlySet<number> = new Set([
  types.TIMESTAMP,
  types.TIMESTAMPTZ,
  types.INTERVAL,
  types.DATE,
  1231, // numeric[]
  1115, // timestamp[]
  1185, // timestamptz[]
  1187, // interval[]
  1182, // date[]
]);

const keepText = (value: string) => value;

type Query = PGlite["query"];

/**
 * Installs drizzle's text-keeping parsers in `client`'s table (its public `parsers`) and wraps `calls`' query,
 * top level and inside transactions, to drop a query's `parsers` when they only repeat them. Any other
 * parsers pass through.
 */
export function parseOnce(client: PGlite, calls: PgliteCalls = client): PgliteCalls {
  const install = () => {
    for (const oid of TEXT_KEPT_TYPES) client.parsers[oid] = keepText;
  };
  install();
  // PGlite rebuilds its array parsers on refreshArrayTypes(); ours are put back before they are relied on.
  const installed = () => {
    for (const oid of TEXT_KEPT_TYPES) if (client.parsers[oid] !== keepText) return false;
    return true;
  };
  const withoutRepeatedParsers = (options: QueryOptions | undefined): QueryOptions | undefined => {
    const parsers = options?.parsers;
    if (!parsers) return options;
    for (const key in parsers) if (!TEXT_KEPT_TYPES.has(Number(key))) return options;
    if (!installed()) install();
    return { ...options, parsers: undefined };
  };
  const lean =
    (query: Query): Query =>
    (text, params, options) =>
      query(text, params, withoutRepeatedParsers(options));

  return {
    query: lean(calls.query.bind(calls)),
    exec: calls.exec.bind(calls),
    transaction: ((callback) =>
      calls.transaction((tx) =>
        callback(withOverrides(tx, { query: lean(tx.query) })),
      )) as PgliteCalls["transaction"],
  };
}

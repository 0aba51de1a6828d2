// The SQL side of keyset paging: "strictly after this (timestamp, id) position" in newest-first order.
import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import type { Cursor } from "../cursor.ts";

/** Row comparison, so the (timestamp desc, id desc) indexes serve it; parameters are cast, not driver-typed. */
export function before(at: AnyColumn, id: AnyColumn, cursor: Cursor | null): SQL | undefined {
  if (!cursor) return undefined;
  return sql`(${at}, ${id}) < (${cursor.at.toISOString()}::timestamptz, ${cursor.id}::uuid)`;
}

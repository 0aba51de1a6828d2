// The relay's SQL: read the next unsent rows in order, mark them sent, measure the backlog, prune old rows.
import { asc, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "./db.ts";
import { type OutboxRow, outbox } from "./schema.ts";

export interface Backlog {
  /** Rows not yet published. */
  pending: number;
  /** Age of the oldest unsent row, 0 when there is none: the number to alert on. */
  oldestAgeMs: number;
}

export function nextUnsent(db: Db, limit: number): Promise<OutboxRow[]> {
  return db.select().from(outbox).where(isNull(outbox.sentAt)).orderBy(asc(outbox.seq)).limit(limit);
}

/**
 * One per database, built once: the relay marks rows after every Kafka request, and drizzle's building of
 * each statement showed in every mutation's profile (docs/benchmarks.md). `= any($1)` takes any number of ids.
 */
const markSentStatements = new WeakMap<Db, { execute(values: { ids: string[] }): Promise<unknown> }>();

export async function markSent(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length === 0) return;
  let statement = markSentStatements.get(db);
  if (!statement) {
    statement = db
      .update(outbox)
      .set({ sentAt: sql`now()` })
      .where(sql`${outbox.id} = any(${sql.placeholder("ids")})`)
      .prepare("outbox_mark_sent");
    markSentStatements.set(db, statement);
  }
  await statement.execute({ ids: [...ids] });
}

export async function measureBacklog(db: Db): Promise<Backlog> {
  // The age is computed by the database so a skewed process clock cannot distort it.
  const [row] = await db
    .select({
      pending: sql<number>`count(*)::int`.mapWith(Number),
      oldestAgeMs:
        sql<number>`coalesce(extract(epoch from now() - min(${outbox.createdAt})) * 1000, 0)::float8`.mapWith(
          Number,
        ),
    })
    .from(outbox)
    .where(isNull(outbox.sentAt));
  return { pending: row?.pending ?? 0, oldestAgeMs: Math.max(0, Math.round(row?.oldestAgeMs ?? 0)) };
}

/**
 * Deletes up to `limit` rows sent before `cutoff` and returns how many; unsent rows are never touched.
 * The limit keeps each statement short, so the cleanup never holds locks the writers wait on.
 */
export async function deleteSentBefore(db: Db, cutoff: Date, limit = 5_000): Promise<number> {
  const old = db.select({ id: outbox.id }).from(outbox).where(lt(outbox.sentAt, cutoff)).limit(limit);
  const deleted = await db.delete(outbox).where(inArray(outbox.id, old)).returning({ id: outbox.id });
  return deleted.length;
}

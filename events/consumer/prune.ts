// Forgetting old processed-event marks, so the dedup table stays the size of the redelivery window, not of history.
import { inArray, lt } from "drizzle-orm";
import type { Db } from "../outbox/db.ts";
import { processedEvents } from "../outbox/schema.ts";

/**
 * Deletes up to `limit` marks older than `cutoff`; returns how many. Old marks sit at the start of the heap,
 * so the bounded scan stays cheap without an index on processed_at.
 */
export async function pruneProcessed(db: Db, cutoff: Date, limit = 5_000): Promise<number> {
  const old = db
    .select({ id: processedEvents.eventId })
    .from(processedEvents)
    .where(lt(processedEvents.processedAt, cutoff))
    .limit(limit);
  const deleted = await db
    .delete(processedEvents)
    .where(inArray(processedEvents.eventId, old))
    .returning({ id: processedEvents.eventId });
  return deleted.length;
}

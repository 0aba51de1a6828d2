// Applies one event exactly once per database: the processed mark and the handler's writes share one transaction.
import type { DecodedEvent } from "../codec.ts";
import type { Db } from "../outbox/db.ts";
import { processedEvents } from "../outbox/schema.ts";
import type { Topic } from "../topics.ts";
import type { EventHandler } from "./types.ts";

export type ApplyOutcome = "applied" | "duplicate";

/** Runs the handler unless the event id is already marked processed; a throw rolls back the mark with the writes. */
export async function applyOnce(
  db: Db,
  event: DecodedEvent<Topic>,
  handler: EventHandler<Topic>,
): Promise<ApplyOutcome> {
  return db.transaction(async (tx) => {
    // Insert first: on Postgres a concurrent delivery of the same id waits on this row lock, then sees the conflict.
    const marked = await tx
      .insert(processedEvents)
      .values({ eventId: event.id, topic: event.topic })
      .onConflictDoNothing()
      .returning({ eventId: processedEvents.eventId });
    if (marked.length === 0) return "duplicate";
    await handler(event, tx);
    return "applied";
  });
}

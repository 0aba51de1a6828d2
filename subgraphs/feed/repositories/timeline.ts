// The timeline projection: entries written by event handlers, read per viewer (own + followed authors).
import { and, desc, eq, inArray, or } from "drizzle-orm";
import type { Db } from "../../kit/database.ts";
import type { CursorPage } from "../cursor.ts";
import { follows, type TimelineEntryRow, timelineEntries } from "../db/schema.ts";
import { before } from "./keyset.ts";

export type TimelineKind = TimelineEntryRow["kind"];

export function createTimelineRepository(db: Db) {
  return {
    /** True when the entry is new; a redelivered or repeated publication changes nothing. */
    async add(tx: Db, entry: TimelineEntryRow): Promise<boolean> {
      const inserted = await tx
        .insert(timelineEntries)
        .values(entry)
        .onConflictDoNothing()
        .returning({ itemId: timelineEntries.itemId });
      return inserted.length > 0;
    },

    async remove(tx: Db, kind: TimelineKind, itemId: string): Promise<void> {
      await tx
        .delete(timelineEntries)
        .where(and(eq(timelineEntries.kind, kind), eq(timelineEntries.itemId, itemId)));
    },

    /** The viewer's own entries and those of everyone they follow, newest first; first + 1 rows. */
    async forViewer(viewerId: string, page: CursorPage): Promise<TimelineEntryRow[]> {
      const followed = db
        .select({ id: follows.followeeId })
        .from(follows)
        .where(eq(follows.followerId, viewerId));
      return db
        .select()
        .from(timelineEntries)
        .where(
          and(
            or(eq(timelineEntries.authorId, viewerId), inArray(timelineEntries.authorId, followed)),
            before(timelineEntries.publishedAt, timelineEntries.itemId, page.after),
          ),
        )
        .orderBy(desc(timelineEntries.publishedAt), desc(timelineEntries.itemId))
        .limit(page.first + 1);
    },
  };
}

export type TimelineRepository = ReturnType<typeof createTimelineRepository>;

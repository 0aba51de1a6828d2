// Notifications: created inside event handlers with their event, read and marked read by their owner.
import { and, desc, eq, inArray, not, type SQL } from "drizzle-orm";
import { Topics } from "../../../events/topics.ts";
import type { Db } from "../../kit/database.ts";
import { publisherFor } from "../../kit/unit-of-work.ts";
import type { CursorPage } from "../cursor.ts";
import { type NotificationKind, type NotificationRow, notifications } from "../db/schema.ts";
import { before } from "./keyset.ts";

export interface NewNotification {
  userId: string;
  kind: NotificationKind;
  message: string;
  orderId?: string;
  articleId?: string;
  productId?: string;
  actorId?: string;
}

export function createNotificationsRepository(db: Db) {
  return {
    /** Stores the notification and publishes feed.notification.created in the caller's (handler's) transaction. */
    async create(tx: Db, input: NewNotification): Promise<NotificationRow> {
      const [row] = await tx.insert(notifications).values(input).returning();
      const n = row!;
      await publisherFor(tx)({
        topic: Topics.NotificationCreated,
        // By recipient: what one user is notified of arrives, and is replayed, in order.
        key: n.userId,
        payload: {
          entity: { typename: "Notification", id: n.id },
          notificationId: n.id,
          userId: n.userId,
          kind: n.kind,
          message: n.message,
          orderId: n.orderId ?? "",
          articleId: n.articleId ?? "",
          actorId: n.actorId ?? "",
        },
      });
      return n;
    },

    async findByIds(ids: readonly string[], tx: Db = db): Promise<NotificationRow[]> {
      if (ids.length === 0) return [];
      return tx
        .select()
        .from(notifications)
        .where(inArray(notifications.id, [...ids]));
    },

    async listForUser(userId: string, options: { unreadOnly: boolean; first: number }) {
      return db
        .select()
        .from(notifications)
        .where(
          and(eq(notifications.userId, userId), options.unreadOnly ? not(notifications.read) : undefined),
        )
        .orderBy(desc(notifications.createdAt), desc(notifications.id))
        .limit(options.first);
    },

    /** Newest first, strictly after the cursor; first + 1 rows, the extra one telling whether more exist. */
    async pageForUser(userId: string, unreadOnly: boolean, page: CursorPage): Promise<NotificationRow[]> {
      return db
        .select()
        .from(notifications)
        .where(
          and(
            eq(notifications.userId, userId),
            unreadOnly ? not(notifications.read) : undefined,
            before(notifications.createdAt, notifications.id, page.after),
          ),
        )
        .orderBy(desc(notifications.createdAt), desc(notifications.id))
        .limit(page.first + 1);
    },

    /** Inside a handler's transaction: whether this follower was already announced to this user. */
    async hasNewFollower(tx: Db, userId: string, followerId: string): Promise<boolean> {
      const [row] = await tx
        .select({ id: notifications.id })
        .from(notifications)
        .where(
          and(
            eq(notifications.userId, userId),
            eq(notifications.kind, "NEW_FOLLOWER"),
            eq(notifications.actorId, followerId),
          ),
        )
        .limit(1);
      return row !== undefined;
    },

    /** Which of `ids` are not notifications of this user (missing, or someone else's: the same to them). */
    async notOwnedBy(userId: string, ids: readonly string[]): Promise<string[]> {
      if (ids.length === 0) return [];
      const owned = await db
        .select({ id: notifications.id })
        .from(notifications)
        .where(and(eq(notifications.userId, userId), inArray(notifications.id, [...ids])));
      const found = new Set(owned.map((r) => r.id));
      return ids.filter((id) => !found.has(id));
    },

    /** Marks the user's unread notifications among `ids` (all of them when null) read; returns how many changed. */
    async markRead(userId: string, ids: readonly string[] | null): Promise<number> {
      if (ids?.length === 0) return 0;
      const conditions: SQL[] = [eq(notifications.userId, userId), not(notifications.read)];
      if (ids) conditions.push(inArray(notifications.id, [...ids]));
      const changed = await db
        .update(notifications)
        .set({ read: true })
        .where(and(...conditions))
        .returning({ id: notifications.id });
      return changed.length;
    },
  };
}

export type NotificationsRepository = ReturnType<typeof createNotificationsRepository>;

// Notifications: created inside event handlers with their event, read and marked read by their owner.
import { and, desc, eq, inArray, not, type SQL } from "drizzle-orm";
import { Topics } from "../../events/topics.ts";
import type { Db } from "../kit/database.ts";
import { publisherFor } from "../kit/unit-of-work.ts";
import { type NotificationKind, type NotificationRow, notifications } from "./db/schema.ts";

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

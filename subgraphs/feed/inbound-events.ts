// feed's reactions: the users projection, the event-sourced timeline, notifications and their email.
// Every write goes through the handler's `tx`, so it commits with the event's "processed" mark.
import type { ConsumerHandlers } from "../../events/consumer/index.ts";
import { Topics } from "../../events/topics.ts";
import type { Db } from "../kit/database.ts";
import { isId } from "../kit/validation.ts";
import {
  articlePublishedMessage,
  lowStockMessage,
  newFollowerMessage,
  orderStatusMessage,
} from "./messages.ts";
import type { Repositories } from "./repositories/index.ts";

/** An event whose ids are not UUIDs can never apply; retrying it would only end in the dead-letter topic. */
const valid = (...ids: string[]) => ids.every(isId);

/** The payload's ISO time, or when the event was written if the producer left it out. */
function timeOf(iso: string, fallback: Date): Date {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? fallback : at;
}

export function createInboundEventHandlers(repo: Repositories): ConsumerHandlers {
  const nameOf = async (tx: Db, userId: string) => (await repo.users.find(userId, tx))?.name ?? null;

  return {
    [Topics.UserRegistered]: async ({ payload: p }, tx) => {
      if (!valid(p.userId)) return;
      await repo.users.registered(tx, { id: p.userId, name: p.name, email: p.email, roles: p.roles });
    },

    [Topics.UserUpdated]: async ({ payload: p }, tx) => {
      if (!valid(p.userId)) return;
      await repo.users.upsert(tx, { id: p.userId, name: p.name, roles: p.roles });
    },

    // feed reads its own topic: the timeline is built from the same events everyone else sees.
    [Topics.PostPublished]: async ({ payload: p, time }, tx) => {
      if (!valid(p.postId, p.authorId)) return;
      const publishedAt = timeOf(p.createdAt, time);
      await repo.timeline.add(tx, { kind: "POST", itemId: p.postId, authorId: p.authorId, publishedAt });
    },

    [Topics.PostDeleted]: async ({ payload: p }, tx) => {
      if (!valid(p.postId)) return;
      await repo.timeline.remove(tx, "POST", p.postId);
    },

    [Topics.ArticlePublished]: async ({ payload: p, time }, tx) => {
      if (!valid(p.articleId, p.authorId)) return;
      const publishedAt = timeOf(p.publishedAt, time);
      const added = await repo.timeline.add(tx, {
        kind: "ARTICLE",
        itemId: p.articleId,
        authorId: p.authorId,
        publishedAt,
      });
      // Only a new publication is news: a repeated event for a live article notifies nobody twice.
      if (!added) return;
      const message = articlePublishedMessage(await nameOf(tx, p.authorId), p.title);
      for (const userId of await repo.follows.followerIds(tx, p.authorId)) {
        await repo.notifications.create(tx, {
          userId,
          kind: "ARTICLE_PUBLISHED",
          message,
          articleId: p.articleId,
          actorId: p.authorId,
        });
      }
    },

    [Topics.ArticleArchived]: async ({ payload: p }, tx) => {
      if (!valid(p.articleId)) return;
      await repo.timeline.remove(tx, "ARTICLE", p.articleId);
    },

    [Topics.ArticleDeleted]: async ({ payload: p }, tx) => {
      if (!valid(p.articleId)) return;
      await repo.timeline.remove(tx, "ARTICLE", p.articleId);
    },

    [Topics.OrderStatusChanged]: async ({ payload: p }, tx) => {
      if (!valid(p.orderId, p.customerId)) return;
      await repo.notifications.create(tx, {
        userId: p.customerId,
        kind: "ORDER_STATUS",
        message: orderStatusMessage(p.orderId, p.status),
        orderId: p.orderId,
      });
    },

    [Topics.UserFollowed]: async ({ payload: p }, tx) => {
      if (!valid(p.followerId, p.followeeId)) return;
      // One "started following you" per follower, however often they unfollow and follow again.
      if (await repo.notifications.hasNewFollower(tx, p.followeeId, p.followerId)) return;
      await repo.notifications.create(tx, {
        userId: p.followeeId,
        kind: "NEW_FOLLOWER",
        message: newFollowerMessage(await nameOf(tx, p.followerId)),
        actorId: p.followerId,
      });
    },

    [Topics.ProductCreated]: async ({ payload: p, time }, tx) => {
      if (!valid(p.productId)) return;
      await repo.productNames.remember(tx, p.productId, p.name, time);
    },

    [Topics.ProductUpdated]: async ({ payload: p, time }, tx) => {
      if (!valid(p.productId)) return;
      await repo.productNames.remember(tx, p.productId, p.name, time);
    },

    [Topics.StockLow]: async ({ payload: p }, tx) => {
      if (!valid(p.productId)) return;
      const message = lowStockMessage(
        await repo.productNames.nameOf(p.productId, tx),
        p.productId,
        p.available,
      );
      for (const userId of await repo.users.adminIds(tx)) {
        await repo.notifications.create(tx, { userId, kind: "LOW_STOCK", message, productId: p.productId });
      }
    },

    // The email leaves only after the notification committed (this event exists only then); a failed
    // send throws, the consumer retries, so the channel sees each notification at least once.
    [Topics.NotificationCreated]: async ({ payload: p }, tx) => {
      if (!valid(p.notificationId)) return;
      await repo.delivery.deliver(tx, p.notificationId);
    },
  };
}

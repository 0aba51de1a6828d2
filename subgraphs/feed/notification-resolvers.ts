// Notifications: the signed-in user's own only, newest first; markNotificationsRead returns how many changed.
import { badInput } from "../../platform/errors.ts";
import type { SubgraphContext } from "../kit/context.ts";
import { requireViewer } from "../kit/guards.ts";
import { intInRange, isId } from "../kit/validation.ts";
import type { FeedLoaders } from "./loaders.ts";
import {
  articleRef,
  type NotificationNode,
  notificationNode,
  orderRef,
  productRef,
  userRef,
} from "./refs.ts";
import type { FeedRepository } from "./repository.ts";

type Context = SubgraphContext<FeedLoaders>;

const MAX_IDS = 1000;

/** Someone else's notification is answered exactly like a missing one: null. */
async function ownNotification(ctx: Context, notificationId: string): Promise<NotificationNode | null> {
  const viewer = requireViewer(ctx);
  if (!isId(notificationId)) return null;
  const row = await ctx.loaders.notificationById.load(notificationId.toLowerCase());
  return row && row.userId === viewer.id.toLowerCase() ? notificationNode(row) : null;
}

export function notificationResolvers(repo: FeedRepository) {
  return {
    Query: {
      notifications: async (
        _: unknown,
        args: { unreadOnly?: boolean | null; first: number },
        ctx: Context,
      ) => {
        const viewer = requireViewer(ctx);
        const first = intInRange(args.first, "first", 1, 100);
        const rows = await repo.notifications.listForUser(viewer.id, {
          unreadOnly: !!args.unreadOnly,
          first,
        });
        return rows.map(notificationNode);
      },

      notification: (_: unknown, args: { id: string }, ctx: Context) => ownNotification(ctx, args.id),
    },

    Mutation: {
      markNotificationsRead: async (_: unknown, args: { ids?: string[] | null }, ctx: Context) => {
        const viewer = requireViewer(ctx);
        if (args.ids && args.ids.length > MAX_IDS)
          throw badInput(`ids may name at most ${MAX_IDS} notifications at once.`, "ids");
        // Ids that are not UUIDs name no notification, so they simply change nothing.
        const ids = args.ids ? args.ids.filter(isId).map((i) => i.toLowerCase()) : null;
        return repo.notifications.markRead(viewer.id, ids);
      },
    },

    Notification: {
      __resolveReference: (ref: { id: string }, ctx: Context) => ownNotification(ctx, ref.id),
      order: (n: NotificationNode) => (n.orderId ? orderRef(n.orderId) : null),
      article: (n: NotificationNode) => (n.articleId ? articleRef(n.articleId) : null),
      product: (n: NotificationNode) => (n.productId ? productRef(n.productId) : null),
      actor: (n: NotificationNode) => (n.actorId ? userRef(n.actorId) : null),
    },
  };
}

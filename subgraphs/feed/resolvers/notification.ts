// Notifications: the signed-in user's own only, newest first; markNotificationsRead returns how many changed.
import { badInput, codedError } from "../../../platform/errors.ts";
import type { SubgraphContext } from "../../kit/context.ts";
import { requireViewer } from "../../kit/guards.ts";
import { intInRange, isId } from "../../kit/validation.ts";
import { connection, cursorPage } from "../cursor.ts";
import type { NotificationRow } from "../db/schema.ts";
import type { FeedLoaders } from "../loaders.ts";
import {
  articleRef,
  type NotificationNode,
  notificationNode,
  orderRef,
  productRef,
  userRef,
} from "../refs.ts";
import type { FeedRepository } from "../repositories/index.ts";

type Context = SubgraphContext<FeedLoaders>;

const MAX_IDS = 1000;

/** Someone else's notification is answered exactly like a missing one: null. */
async function ownNotification(ctx: Context, notificationId: string): Promise<NotificationNode | null> {
  const viewer = requireViewer(ctx);
  if (!isId(notificationId)) return null;
  const row = await ctx.loaders.notificationById.load(notificationId.toLowerCase());
  return row && row.userId === viewer.id.toLowerCase() ? notificationNode(row) : null;
}

const position = (row: NotificationRow) => ({ at: row.createdAt, id: row.id });

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

      notificationConnection: async (
        _: unknown,
        args: { unreadOnly?: boolean | null; first: number; after?: string | null },
        ctx: Context,
      ) => {
        const viewer = requireViewer(ctx);
        const page = cursorPage(args.first, args.after);
        const rows = await repo.notifications.pageForUser(viewer.id, !!args.unreadOnly, page);
        return connection(rows, page.first, position, notificationNode);
      },
    },

    Mutation: {
      markNotificationsRead: async (_: unknown, args: { ids?: string[] | null }, ctx: Context) => {
        const viewer = requireViewer(ctx);
        if (args.ids && args.ids.length > MAX_IDS)
          throw badInput(`ids may name at most ${MAX_IDS} notifications at once.`, "ids");
        // Every id must name one of the viewer's notifications; otherwise nothing is marked. Someone else's
        // notification is answered like a missing one.
        const ids = args.ids ? [...new Set(args.ids.map((i) => i.toLowerCase()))] : null;
        const missing = ids
          ? [
              ...ids.filter((i) => !isId(i)),
              ...(await repo.notifications.notOwnedBy(viewer.id, ids.filter(isId))),
            ]
          : [];
        if (missing.length > 0)
          throw codedError(
            "NOT_FOUND",
            `No notification of yours has the id ${missing
              .slice(0, 5)
              .map((i) => i.slice(0, 40))
              .join(", ")}.`,
          );
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

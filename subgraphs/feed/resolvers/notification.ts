// Notifications: the signed-in user's own only, newest first; markNotificationsRead returns how many changed.
import { codedError } from "../../../platform/errors.ts";
import { requireViewer } from "../../kit/guards.ts";
import { isId } from "../../kit/validation.ts";
import { connection, cursorPage } from "../cursor.ts";
import type { NotificationRow } from "../db/schema.ts";
import type { Resolvers } from "../generated/resolvers-types.ts";
import type { Context } from "../loaders.ts";
import {
  articleRef,
  type NotificationNode,
  notificationNode,
  orderRef,
  productRef,
  userRef,
} from "../refs.ts";
import type { Repositories } from "../repositories/index.ts";
import { notificationCount, notificationIds } from "../validation.ts";

/** Someone else's notification is answered exactly like a missing one: null. */
async function ownNotification(ctx: Context, notificationId: string): Promise<NotificationNode | null> {
  const viewer = requireViewer(ctx);
  if (!isId(notificationId)) return null;
  const row = await ctx.loaders.notificationById.load(notificationId.toLowerCase());
  return row && row.userId === viewer.id.toLowerCase() ? notificationNode(row) : null;
}

const position = (row: NotificationRow) => ({ at: row.createdAt, id: row.id });

export function notificationResolvers(repo: Repositories): Resolvers<Context> {
  return {
    Query: {
      notifications: async (_, args, ctx) => {
        const viewer = requireViewer(ctx);
        const first = notificationCount(args.first);
        const rows = await repo.notifications.listForUser(viewer.id, {
          unreadOnly: !!args.unreadOnly,
          first,
        });
        return rows.map(notificationNode);
      },

      notification: (_, args, ctx) => ownNotification(ctx, args.id),

      notificationConnection: async (_, args, ctx) => {
        const viewer = requireViewer(ctx);
        const page = cursorPage(args.first, args.after);
        const rows = await repo.notifications.pageForUser(viewer.id, !!args.unreadOnly, page);
        return connection(rows, page.first, position, notificationNode);
      },
    },

    Mutation: {
      markNotificationsRead: async (_, args, ctx) => {
        const viewer = requireViewer(ctx);
        // Every id must name one of the viewer's notifications; otherwise nothing is marked. Someone else's
        // notification is answered like a missing one.
        const ids = notificationIds(args.ids);
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
      __resolveReference: (ref, ctx) => ownNotification(ctx, ref.id),
      order: (n) => (n.orderId ? orderRef(n.orderId) : null),
      article: (n) => (n.articleId ? articleRef(n.articleId) : null),
      product: (n) => (n.productId ? productRef(n.productId) : null),
      actor: (n) => (n.actorId ? userRef(n.actorId) : null),
    },
  };
}

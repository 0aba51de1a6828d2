// Posts: read them (public), publish (signed in), delete (author or admin); User.posts batched per request.
import { notFound } from "../../../platform/errors.ts";
import { requireOwnerOrAdmin, requireViewer } from "../../kit/guards.ts";
import { id, isId } from "../../kit/validation.ts";
import { connection, cursorPage } from "../cursor.ts";
import type { PostRow } from "../db/schema.ts";
import type { Resolvers } from "../generated/resolvers-types.ts";
import type { Context } from "../loaders.ts";
import { postNode, userRef } from "../refs.ts";
import type { Repositories } from "../repositories/index.ts";
import { postMessage } from "../validation.ts";

const position = (row: PostRow) => ({ at: row.createdAt, id: row.id });

export function postResolvers(repo: Repositories): Resolvers<Context> {
  return {
    Query: {
      post: async (_, args, ctx) => {
        const row = isId(args.id) ? await ctx.loaders.postById.load(args.id.toLowerCase()) : null;
        return row ? postNode(row) : null;
      },

      posts: async (_, args, ctx) => {
        const page = cursorPage(args.first, args.after);
        // An author id that is not a UUID names nobody: an empty page, like any author without posts.
        if (args.authorId != null && !isId(args.authorId))
          return connection([], page.first, position, postNode);
        const rows = await repo.posts.list(args.authorId?.toLowerCase() ?? null, page);
        for (const row of rows) ctx.loaders.postById.prime(row.id, row);
        return connection(rows, page.first, position, postNode);
      },
    },

    Mutation: {
      publishPost: async (_, args, ctx) => {
        const viewer = requireViewer(ctx);
        return postNode(await repo.posts.publish(viewer.id, postMessage(args.message)));
      },

      deletePost: async (_, args, ctx) => {
        requireViewer(ctx);
        const deleted = await repo.posts.delete(id(args.id, "id"), (post) =>
          requireOwnerOrAdmin(ctx, post.authorId),
        );
        if (!deleted) throw notFound("Post", args.id);
        return true;
      },
    },

    Post: {
      __resolveReference: async (ref, ctx) => {
        const row = isId(ref.id) ? await ctx.loaders.postById.load(ref.id.toLowerCase()) : null;
        return row ? postNode(row) : null;
      },
      author: (post) => userRef(post.authorId),
    },

    User: {
      posts: async (user, args, ctx) => {
        const page = cursorPage(args.first, args.after);
        const rows = isId(user.id)
          ? await ctx.loaders.postsByAuthor.load({ authorId: user.id.toLowerCase(), page })
          : [];
        return connection(rows, page.first, position, postNode);
      },
    },
  };
}

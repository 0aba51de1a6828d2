// Posts: read them (public), publish (signed in), delete (author or admin); User.posts batched per request.
import { badInput, notFound } from "../../../platform/errors.ts";
import type { SubgraphContext } from "../../kit/context.ts";
import { requireOwnerOrAdmin, requireViewer } from "../../kit/guards.ts";
import { id, isId } from "../../kit/validation.ts";
import { connection, cursorPage } from "../cursor.ts";
import type { PostRow } from "../db/schema.ts";
import type { FeedLoaders } from "../loaders.ts";
import { type PostNode, postNode, userRef } from "../refs.ts";
import type { FeedRepository } from "../repositories/index.ts";

type Context = SubgraphContext<FeedLoaders>;
type PageArgs = { first: number; after?: string | null };

export const MAX_MESSAGE_LENGTH = 280;

/** Counted in characters as people see them (code points), so an emoji is one, not two. */
function postMessage(value: string): string {
  const trimmed = value.trim();
  const length = [...trimmed].length;
  if (length < 1) throw badInput("message must not be empty.", "message");
  if (length > MAX_MESSAGE_LENGTH)
    throw badInput(`message must have at most ${MAX_MESSAGE_LENGTH} characters.`, "message");
  return trimmed;
}

const position = (row: PostRow) => ({ at: row.createdAt, id: row.id });

export function postResolvers(repo: FeedRepository) {
  return {
    Query: {
      post: async (_: unknown, args: { id: string }, ctx: Context) => {
        const row = isId(args.id) ? await ctx.loaders.postById.load(args.id.toLowerCase()) : null;
        return row ? postNode(row) : null;
      },

      posts: async (_: unknown, args: PageArgs & { authorId?: string | null }, ctx: Context) => {
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
      publishPost: async (_: unknown, args: { message: string }, ctx: Context) => {
        const viewer = requireViewer(ctx);
        return postNode(await repo.posts.publish(viewer.id, postMessage(args.message)));
      },

      deletePost: async (_: unknown, args: { id: string }, ctx: Context) => {
        requireViewer(ctx);
        const deleted = await repo.posts.delete(id(args.id, "id"), (post) =>
          requireOwnerOrAdmin(ctx, post.authorId),
        );
        if (!deleted) throw notFound("Post", args.id);
        return true;
      },
    },

    Post: {
      __resolveReference: async (ref: { id: string }, ctx: Context) => {
        const row = isId(ref.id) ? await ctx.loaders.postById.load(ref.id.toLowerCase()) : null;
        return row ? postNode(row) : null;
      },
      author: (post: PostNode) => userRef(post.authorId),
    },

    User: {
      posts: async (user: { id: string }, args: PageArgs, ctx: Context) => {
        const page = cursorPage(args.first, args.after);
        const rows = isId(user.id)
          ? await ctx.loaders.postsByAuthor.load({ authorId: user.id.toLowerCase(), page })
          : [];
        return connection(rows, page.first, position, postNode);
      },
    },
  };
}

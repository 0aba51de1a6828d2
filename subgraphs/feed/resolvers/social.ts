// Follows: follow/unfollow (signed in, idempotent) and the User fields followers, following, followerCount.
import { badInput, notFound } from "../../../platform/errors.ts";
import type { SubgraphContext } from "../../kit/context.ts";
import { requireViewer } from "../../kit/guards.ts";
import { id, isId } from "../../kit/validation.ts";
import type { FeedLoaders } from "../loaders.ts";
import { userRef } from "../refs.ts";
import type { FeedRepository } from "../repositories/index.ts";

type Context = SubgraphContext<FeedLoaders>;
type UserParent = { id: string };

/** A reference the gateway sent with a non-UUID id is nobody: no followers, no follows. */
const key = (user: UserParent) => (isId(user.id) ? user.id.toLowerCase() : null);

export function socialResolvers(repo: FeedRepository) {
  return {
    Mutation: {
      follow: async (_: unknown, args: { userId: string }, ctx: Context) => {
        const viewer = requireViewer(ctx);
        const followee = id(args.userId, "userId");
        if (followee === viewer.id.toLowerCase()) throw badInput("You cannot follow yourself.", "userId");
        const outcome = await repo.follows.follow(viewer.id, followee);
        if (outcome === "unknown-user") throw notFound("User", args.userId);
        return userRef(followee);
      },

      unfollow: async (_: unknown, args: { userId: string }, ctx: Context) => {
        const viewer = requireViewer(ctx);
        const followee = id(args.userId, "userId");
        const outcome = await repo.follows.unfollow(viewer.id, followee);
        if (outcome === "unknown-user") throw notFound("User", args.userId);
        return userRef(followee);
      },
    },

    User: {
      __resolveReference: (ref: UserParent) => userRef(ref.id),
      followers: async (user: UserParent, _: unknown, ctx: Context) => {
        const userId = key(user);
        return userId ? (await ctx.loaders.followerIds.load(userId)).map(userRef) : [];
      },
      following: async (user: UserParent, _: unknown, ctx: Context) => {
        const userId = key(user);
        return userId ? (await ctx.loaders.followingIds.load(userId)).map(userRef) : [];
      },
      followerCount: (user: UserParent, _: unknown, ctx: Context) => {
        const userId = key(user);
        return userId ? ctx.loaders.followerCount.load(userId) : 0;
      },
    },
  };
}

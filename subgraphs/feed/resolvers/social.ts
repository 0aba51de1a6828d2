// Follows: follow/unfollow (signed in, idempotent) and the User fields followers, following, followerCount.
import { badInput, notFound } from "../../../platform/errors.ts";
import { requireViewer } from "../../kit/guards.ts";
import { id, isId } from "../../kit/validation.ts";
import type { Resolvers } from "../generated/resolvers-types.ts";
import type { Context } from "../loaders.ts";
import { userRef } from "../refs.ts";
import type { Repositories } from "../repositories/index.ts";

type UserParent = { id: string };

/** A reference the gateway sent with a non-UUID id is nobody: no followers, no follows. */
const key = (user: UserParent) => (isId(user.id) ? user.id.toLowerCase() : null);

export function socialResolvers(repo: Repositories): Resolvers<Context> {
  return {
    Mutation: {
      follow: async (_, args, ctx) => {
        const viewer = requireViewer(ctx);
        const followee = id(args.userId, "userId");
        if (followee === viewer.id.toLowerCase()) throw badInput("You cannot follow yourself.", "userId");
        const outcome = await repo.follows.follow(viewer.id, followee);
        if (outcome === "unknown-user") throw notFound("User", args.userId);
        return userRef(followee);
      },

      unfollow: async (_, args, ctx) => {
        const viewer = requireViewer(ctx);
        const followee = id(args.userId, "userId");
        const outcome = await repo.follows.unfollow(viewer.id, followee);
        if (outcome === "unknown-user") throw notFound("User", args.userId);
        return userRef(followee);
      },
    },

    User: {
      __resolveReference: (ref) => userRef(ref.id),
      followers: async (user, _, ctx) => {
        const userId = key(user);
        return userId ? (await ctx.loaders.followerIds.load(userId)).map(userRef) : [];
      },
      following: async (user, _, ctx) => {
        const userId = key(user);
        return userId ? (await ctx.loaders.followingIds.load(userId)).map(userRef) : [];
      },
      followerCount: (user, _, ctx) => {
        const userId = key(user);
        return userId ? ctx.loaders.followerCount.load(userId) : 0;
      },
    },
  };
}

// feed's resolver map: one part per aggregate, each checked against the SDL, merged type by type.
import type { Resolvers } from "../generated/resolvers-types.ts";
import type { Context } from "../loaders.ts";
import type { Repositories } from "../repositories/index.ts";
import { notificationResolvers } from "./notification.ts";
import { postResolvers } from "./post.ts";
import { socialResolvers } from "./social.ts";
import { timelineResolvers } from "./timeline.ts";

type FieldMap = Record<string, object | undefined>;

function merge(...maps: Resolvers<Context>[]): Resolvers<Context> {
  const merged: FieldMap = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map as FieldMap))
      merged[type] = { ...merged[type], ...fields };
  }
  return merged as Resolvers<Context>;
}

export function createResolvers(repo: Repositories): Resolvers<Context> {
  return merge(
    postResolvers(repo),
    socialResolvers(repo),
    timelineResolvers(repo),
    notificationResolvers(repo),
  );
}

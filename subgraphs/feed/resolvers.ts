// feed's resolver map: one part per aggregate, merged type by type.

import { notificationResolvers } from "./notification-resolvers.ts";
import { postResolvers } from "./post-resolvers.ts";
import type { FeedRepository } from "./repository.ts";
import { socialResolvers } from "./social-resolvers.ts";
import { timelineResolvers } from "./timeline-resolvers.ts";

type ResolverMap = Record<string, Record<string, unknown>>;

function merge(...maps: ResolverMap[]): ResolverMap {
  const merged: ResolverMap = {};
  for (const map of maps) {
    for (const [type, fields] of Object.entries(map)) merged[type] = { ...merged[type], ...fields };
  }
  return merged;
}

export function feedResolvers(repo: FeedRepository) {
  return merge(
    postResolvers(repo),
    socialResolvers(repo),
    timelineResolvers(repo),
    notificationResolvers(repo),
  );
}

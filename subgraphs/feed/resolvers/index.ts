// feed's resolver map: one part per aggregate, merged type by type.

import type { FeedRepository } from "../repositories/index.ts";
import { notificationResolvers } from "./notification.ts";
import { postResolvers } from "./post.ts";
import { socialResolvers } from "./social.ts";
import { timelineResolvers } from "./timeline.ts";

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

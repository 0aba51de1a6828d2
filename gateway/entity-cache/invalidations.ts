// Which events change each cacheable entity type, and where the entity's id is in each: the gateway drops an
// entity's entries, in every subgraph and every visibility class, when one of these events names it.
import { type EventPayload, type Topic, Topics } from "../../events/topics.ts";

export interface Invalidation<T extends Topic = Topic> {
  topic: T;
  /** The ids of the changed entities, read from the event's payload (a follow changes both users). */
  ids(payload: EventPayload<T>): string[];
}

const on = <T extends Topic>(topic: T, ids: (payload: EventPayload<T>) => string[]): Invalidation =>
  ({ topic, ids }) as Invalidation;

/**
 * Every entity type a subgraph may declare @cacheable. A type missing here is refused at start: without the
 * events that change it, only max age would ever refresh it.
 */
export const INVALIDATIONS: Readonly<Record<string, readonly Invalidation[]>> = {
  // catalog's fields and inventory's stock: a discontinued product's stock drops to 0 with its deletion.
  Product: [
    on(Topics.ProductUpdated, (p) => [p.productId]),
    on(Topics.ProductDeleted, (p) => [p.productId]),
    on(Topics.StockChanged, (p) => [p.productId]),
  ],
  User: [
    // accounts: name and roles (email never changes after registration).
    on(Topics.UserUpdated, (p) => [p.userId]),
    // blog: an author's articles, in every status.
    on(Topics.ArticleCreated, (p) => [p.authorId]),
    on(Topics.ArticleUpdated, (p) => [p.authorId]),
    on(Topics.ArticlePublished, (p) => [p.authorId]),
    on(Topics.ArticleArchived, (p) => [p.authorId]),
    on(Topics.ArticleDeleted, (p) => [p.authorId]),
    // feed: an author's posts, and both sides of a follow (followers, following, followerCount).
    on(Topics.PostPublished, (p) => [p.authorId]),
    on(Topics.PostDeleted, (p) => [p.authorId]),
    on(Topics.UserFollowed, (p) => [p.followerId, p.followeeId]),
    on(Topics.UserUnfollowed, (p) => [p.followerId, p.followeeId]),
  ],
};

/** typename:id tags to drop for one consumed event. */
export function tagsToDrop(topic: Topic, payload: unknown, cachedTypes: Iterable<string>): string[] {
  const tags: string[] = [];
  for (const typename of cachedTypes) {
    for (const invalidation of INVALIDATIONS[typename] ?? []) {
      if (invalidation.topic !== topic) continue;
      for (const id of invalidation.ids(payload as never)) if (id) tags.push(`${typename}:${id}`);
    }
  }
  return tags;
}

/** The topics the gateway must consume for these cached types. */
export function topicsFor(cachedTypes: Iterable<string>): Topic[] {
  const topics = new Set<Topic>();
  for (const typename of cachedTypes)
    for (const { topic } of INVALIDATIONS[typename] ?? []) topics.add(topic);
  return [...topics].sort();
}

/** Refuses a declaration the events cannot keep true. */
export function assertInvalidated(cachedTypes: Iterable<string>): void {
  const missing = [...cachedTypes].filter((t) => !INVALIDATIONS[t]?.length);
  if (missing.length) {
    throw new Error(
      `@cacheable types without invalidating events: ${missing.join(", ")} (gateway/entity-cache/invalidations.ts)`,
    );
  }
}

// Follows: idempotent follow/unfollow with their events, and batched reads of followers and following.
import { and, count, eq, inArray } from "drizzle-orm";
import { Topics } from "../../../events/topics.ts";
import type { Db } from "../../kit/database.ts";
import type { UnitOfWork } from "../../kit/unit-of-work.ts";
import { follows, users } from "../db/schema.ts";

export type FollowOutcome = "followed" | "already-following" | "unknown-user";
export type UnfollowOutcome = "unfollowed" | "not-following" | "unknown-user";

function edge(followerId: string, followeeId: string) {
  return { entity: { typename: "User", id: followeeId }, followerId, followeeId };
}

function groupBy(rows: { key: string; value: string }[], keys: readonly string[]): Map<string, string[]> {
  const grouped = new Map<string, string[]>(keys.map((k) => [k, []]));
  for (const row of rows) grouped.get(row.key)?.push(row.value);
  return grouped;
}

export function createFollowsRepository({ db, transact }: UnitOfWork) {
  async function userExists(tx: Db, id: string): Promise<boolean> {
    const [row] = await tx.select({ id: users.id }).from(users).where(eq(users.id, id));
    return row !== undefined;
  }

  return {
    follow(followerId: string, followeeId: string): Promise<FollowOutcome> {
      return transact(async (tx, publish) => {
        if (!(await userExists(tx, followeeId))) return "unknown-user";
        const inserted = await tx
          .insert(follows)
          .values({ followerId, followeeId })
          .onConflictDoNothing()
          .returning({ followeeId: follows.followeeId });
        if (inserted.length === 0) return "already-following";
        await publish({ topic: Topics.UserFollowed, key: followeeId, payload: edge(followerId, followeeId) });
        return "followed";
      });
    },

    unfollow(followerId: string, followeeId: string): Promise<UnfollowOutcome> {
      return transact(async (tx, publish) => {
        const removed = await tx
          .delete(follows)
          .where(and(eq(follows.followerId, followerId), eq(follows.followeeId, followeeId)))
          .returning({ followeeId: follows.followeeId });
        if (removed.length === 0)
          return (await userExists(tx, followeeId)) ? "not-following" : "unknown-user";
        await publish({
          topic: Topics.UserUnfollowed,
          key: followeeId,
          payload: edge(followerId, followeeId),
        });
        return "unfollowed";
      });
    },

    /** followee id -> follower ids, oldest follow first. */
    async followersOf(userIds: readonly string[]): Promise<Map<string, string[]>> {
      if (userIds.length === 0) return new Map();
      const rows = await db
        .select({ key: follows.followeeId, value: follows.followerId })
        .from(follows)
        .where(inArray(follows.followeeId, [...userIds]))
        .orderBy(follows.createdAt, follows.followerId);
      return groupBy(rows, userIds);
    },

    /** follower id -> followee ids, oldest follow first. */
    async followingOf(userIds: readonly string[]): Promise<Map<string, string[]>> {
      if (userIds.length === 0) return new Map();
      const rows = await db
        .select({ key: follows.followerId, value: follows.followeeId })
        .from(follows)
        .where(inArray(follows.followerId, [...userIds]))
        .orderBy(follows.createdAt, follows.followeeId);
      return groupBy(rows, userIds);
    },

    async followerCounts(userIds: readonly string[]): Promise<Map<string, number>> {
      const counts = new Map<string, number>(userIds.map((id) => [id, 0]));
      if (userIds.length === 0) return counts;
      const rows = await db
        .select({ id: follows.followeeId, value: count() })
        .from(follows)
        .where(inArray(follows.followeeId, [...userIds]))
        .groupBy(follows.followeeId);
      for (const row of rows) counts.set(row.id, row.value);
      return counts;
    },

    /** Inside an event handler's transaction: who should hear about this author's article. */
    async followerIds(tx: Db, userId: string): Promise<string[]> {
      const rows = await tx
        .select({ id: follows.followerId })
        .from(follows)
        .where(eq(follows.followeeId, userId));
      return rows.map((r) => r.id);
    },
  };
}

export type FollowsRepository = ReturnType<typeof createFollowsRepository>;

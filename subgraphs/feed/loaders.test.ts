import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openTestDatabase } from "../../test/support/database.ts";
import { createUnitOfWork } from "../kit/unit-of-work.ts";
import { createLoaders } from "./loaders.ts";
import { createRepositories, type Repositories } from "./repositories/index.ts";
import { createResolvers } from "./resolvers/index.ts";
import { feed } from "./server.ts";

describe("feed loaders", () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  let repo: Repositories;
  const users = Array.from({ length: 5 }, () => randomUUID());

  beforeAll(async () => {
    database = await openTestDatabase(feed);
    repo = createRepositories(createUnitOfWork(database.db), { channel: { send: async () => {} } });
    for (const id of users) await repo.users.upsert(database.db, { id, name: id.slice(0, 4), roles: [] });
    for (const follower of users.slice(1)) await repo.follows.follow(follower, users[0]!);
    for (const author of users) await repo.posts.publish(author, `hello from ${author.slice(0, 4)}`);
  });
  afterAll(() => database.dispose());

  it("resolve User list fields for many users (a gateway _entities batch) with one query per field", async () => {
    const spies = {
      followers: vi.spyOn(repo.follows, "followersOf"),
      following: vi.spyOn(repo.follows, "followingOf"),
      counts: vi.spyOn(repo.follows, "followerCounts"),
      posts: vi.spyOn(repo.posts, "listForAuthors"),
    };
    const resolvers = createResolvers(repo) as Record<
      string,
      Record<string, (...args: unknown[]) => unknown>
    >;
    const User = resolvers.User!;
    const ctx = { viewer: null, loaders: createLoaders(repo) };
    const results = await Promise.all(
      users.map(async (id) => ({
        followers: await User.followers!({ id }, {}, ctx),
        following: await User.following!({ id }, {}, ctx),
        count: await User.followerCount!({ id }, {}, ctx),
        posts: await User.posts!({ id }, { first: 1 }, ctx),
      })),
    );
    expect(spies.followers).toHaveBeenCalledTimes(1);
    expect(spies.following).toHaveBeenCalledTimes(1);
    expect(spies.counts).toHaveBeenCalledTimes(1);
    expect(spies.posts).toHaveBeenCalledTimes(1);
    expect(results[0]).toMatchObject({ count: 4, following: [] });
    expect(results[1]).toMatchObject({ count: 0, following: [{ __typename: "User", id: users[0] }] });
    const posts = results[2]!.posts as { nodes: { message: string }[]; pageInfo: { hasNextPage: boolean } };
    expect(posts.nodes.map((n) => n.message)).toEqual([`hello from ${users[2]!.slice(0, 4)}`]);
    expect(posts.pageInfo.hasNextPage).toBe(false);
  });

  it("resolve many Post references with one query", async () => {
    const nodes = await repo.posts.list(null, { first: 5, after: null });
    const spy = vi.spyOn(repo.posts, "findByIds");
    const resolvers = createResolvers(repo) as Record<
      string,
      Record<string, (...args: unknown[]) => unknown>
    >;
    const ctx = { viewer: null, loaders: createLoaders(repo) };
    const refs = await Promise.all(nodes.map((p) => resolvers.Post!.__resolveReference!({ id: p.id }, ctx)));
    expect(spy).toHaveBeenCalledTimes(1);
    expect(refs.map((r) => (r as { id: string }).id)).toEqual(nodes.map((p) => p.id));
  });
});

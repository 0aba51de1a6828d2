import { describe, expect, it } from "vitest";
import type { SubgraphContext } from "../kit/context.ts";
import { createLoaders, type Loaders } from "./loaders.ts";
import type { Repositories } from "./repositories/index.ts";
import type { User } from "./repositories/users.ts";
import { createResolvers } from "./resolvers.ts";

const ids = ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"] as const;

function fakeRepository() {
  const calls: string[][] = [];
  const users: User[] = ids.map((id, i) => ({
    id,
    email: `user${i}@example.com`,
    name: `User ${i}`,
    roles: ["CUSTOMER"],
    createdAt: new Date(0),
  }));
  const repo = {
    users: {
      findByIds: async (wanted: readonly string[]) => {
        calls.push([...wanted]);
        return users.filter((u) => wanted.includes(u.id));
      },
    },
  } as unknown as Repositories;
  return { repo, calls };
}

describe("accounts resolvers", () => {
  it("resolves many User references of one request with one query, upper-case ids and unknown ones included", async () => {
    const { repo, calls } = fakeRepository();
    const resolvers = createResolvers(repo);
    const ctx: SubgraphContext<Loaders> = { viewer: null, loaders: createLoaders(repo) };
    const found = await Promise.all(
      [ids[0], ids[1].toUpperCase(), "33333333-3333-4333-8333-333333333333", "not-an-id"].map((id) =>
        resolvers.User.__resolveReference({ __typename: "User", id }, ctx),
      ),
    );
    expect(found.map((u) => u?.name ?? null)).toEqual(["User 0", "User 1", null, null]);
    expect(calls).toHaveLength(1);
  });

  it("shows an email to the user, to admins and in the payload of a fresh sign-in, to nobody else", () => {
    const { repo } = fakeRepository();
    const resolvers = createResolvers(repo);
    const user: User = {
      id: ids[0],
      email: "me@example.com",
      name: "Me",
      roles: ["CUSTOMER"],
      createdAt: new Date(),
    };
    const as = (viewer: SubgraphContext<Loaders>["viewer"]) =>
      resolvers.User.email(user, {}, { viewer, loaders: createLoaders(repo) });
    expect(as({ id: ids[0], roles: ["CUSTOMER"] })).toBe("me@example.com");
    expect(as({ id: ids[1], roles: ["ADMIN"] })).toBe("me@example.com");
    expect(as({ id: ids[1], roles: ["CUSTOMER", "AUTHOR"] })).toBeNull();
    expect(as(null)).toBeNull();
    const fresh = resolvers.AuthPayload.user({ token: "", refreshToken: "", expiresAt: new Date(), user });
    expect(resolvers.User.email(fresh, {}, { viewer: null, loaders: createLoaders(repo) })).toBe(
      "me@example.com",
    );
  });
});

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "../../../test/support/database.ts";
import { createUnitOfWork } from "../../kit/unit-of-work.ts";
import { outbox } from "../db/schema.ts";
import { feed } from "../server.ts";
import { createFollowsRepository } from "./follows.ts";
import { createUsersRepository } from "./users.ts";

describe("feed follows and users repositories", () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  let follows: ReturnType<typeof createFollowsRepository>;
  let users: ReturnType<typeof createUsersRepository>;

  beforeAll(async () => {
    database = await openTestDatabase(feed);
    follows = createFollowsRepository(createUnitOfWork(database.db));
    users = createUsersRepository(database.db);
  });
  afterAll(() => database.dispose());

  async function user(name: string, roles = ["CUSTOMER"]) {
    const id = randomUUID();
    await users.upsert(database.db, { id, name, roles, email: `${name.toLowerCase()}@example.com` });
    return id;
  }
  const topicsFor = async (key: string) =>
    (await database.db.select().from(outbox)).filter((e) => e.key === key).map((e) => e.topic);

  it("projects users: an update keeps the registered email, and admins are found by role", async () => {
    const ada = await user("Ada");
    await users.upsert(database.db, { id: ada, name: "Ada L.", roles: ["CUSTOMER", "ADMIN"] });
    expect(await users.find(ada)).toMatchObject({
      name: "Ada L.",
      email: "ada@example.com",
      roles: ["CUSTOMER", "ADMIN"],
    });
    expect(await users.adminIds()).toContain(ada);
    expect(await users.find(randomUUID())).toBeNull();
  });

  it("follows once: the second follow changes nothing and publishes nothing", async () => {
    const [fan, star] = [await user("Fan"), await user("Star")];
    expect(await follows.follow(fan, star)).toBe("followed");
    expect(await follows.follow(fan, star)).toBe("already-following");
    expect(await topicsFor(star)).toEqual(["feed.user.followed"]);
    const [event] = (await database.db.select().from(outbox)).filter((e) => e.key === star);
    expect(event?.payload).toMatchObject({ entity: { typename: "User", id: star }, followerId: fan });
  });

  it("refuses to follow a user feed has never heard of, writing nothing", async () => {
    const fan = await user("Lonely");
    const stranger = randomUUID();
    expect(await follows.follow(fan, stranger)).toBe("unknown-user");
    expect(await follows.unfollow(fan, stranger)).toBe("unknown-user");
    expect((await follows.followingOf([fan])).get(fan)).toEqual([]);
    expect(await topicsFor(stranger)).toEqual([]);
  });

  it("unfollows idempotently, publishing only when a follow was removed", async () => {
    const [fan, star] = [await user("Fickle"), await user("Idol")];
    await follows.follow(fan, star);
    expect(await follows.unfollow(fan, star)).toBe("unfollowed");
    expect(await follows.unfollow(fan, star)).toBe("not-following");
    expect(await topicsFor(star)).toEqual(["feed.user.followed", "feed.user.unfollowed"]);
  });

  it("reads followers, following and counts for many users in one call each", async () => {
    const [a, b, c, loner] = [await user("A"), await user("B"), await user("C"), await user("Loner")];
    await follows.follow(a, c);
    await follows.follow(b, c);
    await follows.follow(c, a);
    const followers = await follows.followersOf([a, c, loner]);
    expect(followers.get(c)?.sort()).toEqual([a, b].sort());
    expect(followers.get(a)).toEqual([c]);
    expect(followers.get(loner)).toEqual([]);
    const following = await follows.followingOf([a, c]);
    expect(following.get(a)).toEqual([c]);
    expect(following.get(c)).toEqual([a]);
    const counts = await follows.followerCounts([a, c, loner]);
    expect(Object.fromEntries(counts)).toEqual({ [a]: 1, [c]: 2, [loner]: 0 });
    expect((await follows.followerIds(database.db, c)).sort()).toEqual([a, b].sort());
  });
});

// The entity cache on users as feed and blog see them (posts, follows, articles): repeated reads hit, the writer
// reads their own write at once, others within a second of the event, an author's drafts never reach anyone
// else from the cache, and a field that changes without an event (viewsCount) is always read from blog.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../events/testing/wait.ts";
import { cacheRequests } from "../support/entity-cache.ts";
import { expectData, graphql } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

interface Member {
  id: string;
  token: string;
}

const admin = tokenFor(["ADMIN"]);
const SOCIAL = `query($id: ID!) {
  user(id: $id) { id followerCount followers { id } posts(first: 3) { nodes { message } } articles { title } }
}`;
const DRAFTS = `query($id: ID!) { user(id: $id) { id articles(status: DRAFT) { id title } } }`;
const VIEWS = `query($id: ID!) { user(id: $id) { id articles { id viewsCount } } }`;
const WITHIN_A_SECOND = 1_000;

interface Social {
  followerCount: number;
  followers: { id: string }[];
  posts: { nodes: { message: string }[] };
  articles: { title: string }[];
}

describe("the entity cache on feed's and blog's users", () => {
  let stack: Stack;
  let author: Member;
  let reader: Member;
  let fan: Member;

  beforeAll(async () => {
    stack = await startStack({ subgraphs: ["accounts", "blog", "feed"] });
    [author, reader, fan] = (await Promise.all(["Author", "Reader", "Fan"].map(register))) as [
      Member,
      Member,
      Member,
    ];
  });
  afterAll(() => stack?.stop());

  async function register(name: string): Promise<Member> {
    const data = await expectData<{ register: { token: string; user: { id: string } } }>(
      stack.url,
      `mutation($input: RegisterInput!) { register(input: $input) { token user { id } } }`,
      {
        input: {
          email: `${name}-${randomUUID().slice(0, 8)}@example.com`,
          name,
          password: "correct horse battery",
        },
      },
    );
    return { id: data.register.user.id, token: data.register.token };
  }

  const social = async (who: Member, about: Member) =>
    (await expectData<{ user: Social }>(stack.url, SOCIAL, { id: about.id }, who.token)).user;

  /** Reads until two reads in a row agree and the second was a hit: the entry is in and current. */
  async function cached(who: Member, about: Member): Promise<Social> {
    return eventually(async () => {
      const first = await social(who, about);
      const hits = await cacheRequests(stack.url, "hit", ["User"]);
      const second = await social(who, about);
      const hit = (await cacheRequests(stack.url, "hit", ["User"])) > hits;
      return hit && JSON.stringify(first) === JSON.stringify(second) ? second : undefined;
    });
  }

  /** How long until `check` holds for reads by `who`, failing past a second. */
  async function seenWithin(who: Member, about: Member, check: (s: Social) => boolean): Promise<number> {
    const started = Date.now();
    await eventually(async () => check(await social(who, about)), WITHIN_A_SECOND, 20);
    return Date.now() - started;
  }

  it("answers repeated reads of a user's posts, followers and articles from the cache", async () => {
    // feed learns of new users from accounts' events: until then following them is refused.
    await eventually(
      async () =>
        (
          await graphql(
            stack.url,
            `mutation($id: ID!) { follow(userId: $id) { id } }`,
            { id: author.id },
            fan.token,
          )
        ).data?.follow,
    );
    const before = await cacheRequests(stack.url, "hit", ["User"]);
    const seen = await cached(reader, author);
    expect(seen.followers).toEqual([{ id: fan.id }]);
    expect(await cacheRequests(stack.url, "hit", ["User"])).toBeGreaterThan(before);
  });

  it("shows the writer a new post at once, and every other reader within a second of its event", async () => {
    await cached(reader, author);
    await cached(author, author);
    const message = `fresh ${randomUUID()}`;
    await expectData(
      stack.url,
      `mutation($m: String!) { publishPost(message: $m) { id } }`,
      { m: message },
      author.token,
    );
    expect((await social(author, author)).posts.nodes[0]?.message).toBe(message);
    await seenWithin(reader, author, (s) => s.posts.nodes[0]?.message === message);
  });

  it("counts a new follower for the follower at once and for others within a second", async () => {
    await cached(reader, author);
    await cached(reader, reader);
    const before = (await social(reader, author)).followerCount;
    await expectData(
      stack.url,
      `mutation($id: ID!) { follow(userId: $id) { id } }`,
      { id: author.id },
      reader.token,
    );
    expect((await social(reader, author)).followerCount).toBe(before + 1);
    await seenWithin(fan, author, (s) => s.followerCount === before + 1);
    await expectData(
      stack.url,
      `mutation($id: ID!) { unfollow(userId: $id) { id } }`,
      { id: author.id },
      reader.token,
    );
    expect((await social(reader, author)).followerCount).toBe(before);
  });

  it("never hands an author's drafts to anyone else, and shows edits to the author at once and to admins within a second", async () => {
    const draftsOf = async (who: Member | typeof admin, about: Member) =>
      (
        await expectData<{ user: { articles: { id: string; title: string }[] } }>(
          stack.url,
          DRAFTS,
          { id: about.id },
          who.token,
        )
      ).user.articles;
    const created = await expectData<{ createArticle: { id: string } }>(
      stack.url,
      `mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }`,
      { input: { title: "Secret plans", content: "Not yet.", category: "notes", tags: [] } },
      author.token,
    );
    const id = created.createArticle.id;
    // The author's own read, cached, then the same query by others: nothing of it crosses to them.
    expect(await draftsOf(author, author)).toEqual([{ id, title: "Secret plans" }]);
    expect(await draftsOf(author, author)).toEqual([{ id, title: "Secret plans" }]);
    for (let i = 0; i < 3; i++) expect(await draftsOf(reader, author)).toEqual([]);
    await eventually(async () => (await draftsOf(admin, author)).length === 1);
    await draftsOf(admin, author);

    await expectData(
      stack.url,
      `mutation($id: ID!) { updateArticle(id: $id, input: { title: "Public plans" }) { id } }`,
      { id },
      author.token,
    );
    expect(await draftsOf(author, author)).toEqual([{ id, title: "Public plans" }]);
    await eventually(
      async () => (await draftsOf(admin, author))[0]?.title === "Public plans",
      WITHIN_A_SECOND,
      20,
    );
  });

  it("shares what others see of a user among them (one read fills it for all), never with the user themself", async () => {
    const PROFILE = `query($id: ID!) { user(id: $id) { id name email articles(status: DRAFT) { id } } }`;
    const profile = (who: Member) =>
      expectData<{ user: { email: string | null; articles: { id: string }[] } }>(
        stack.url,
        PROFILE,
        { id: author.id },
        who.token,
      );
    const misses = () => cacheRequests(stack.url, "miss", ["Query.user", "User"]);
    await eventually(async () => {
      await profile(reader);
      const before = await misses();
      const seen = await profile(fan);
      return (await misses()) === before && seen.user.email === null && seen.user.articles.length === 0;
    });
    // The owner's own view is a class of its own: their email and drafts, never the others' entry.
    const own = await profile(author);
    expect(own.user.email).toMatch(/@example\.com$/);
    expect(own.user.articles.length).toBeGreaterThan(0);
    expect((await profile(reader)).user).toMatchObject({ email: null, articles: [] });
  });

  it("reads viewsCount from blog every time: reads of an article change it without an event", async () => {
    const created = await expectData<{ createArticle: { id: string } }>(
      stack.url,
      `mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }`,
      { input: { title: "Counted", content: "Read me.", category: "notes", tags: [] } },
      reader.token,
    );
    const id = created.createArticle.id;
    await expectData(
      stack.url,
      `mutation($id: ID!) { publishArticle(id: $id) { id } }`,
      { id },
      reader.token,
    );
    const views = async () =>
      (
        await expectData<{ user: { articles: { id: string; viewsCount: number }[] } }>(
          stack.url,
          VIEWS,
          { id: reader.id },
          fan.token,
        )
      ).user.articles.find((a) => a.id === id)?.viewsCount;
    const bypassed = await cacheRequests(stack.url, "bypass", ["User"]);
    expect(await views()).toBe(0);
    for (let read = 1; read <= 3; read++) {
      await expectData(stack.url, `query($id: ID!) { article(id: $id) { id } }`, { id });
      expect(await views()).toBe(read);
    }
    expect(await cacheRequests(stack.url, "bypass", ["User"])).toBeGreaterThan(bypassed);
  });
});

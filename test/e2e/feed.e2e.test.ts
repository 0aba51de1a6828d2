// feed through the gateway: follows, posts, the timeline mixing posts with blog's articles, permissions,
// and the postPublished subscription. accounts and blog run for real; their events feed feed's projections.
import { randomUUID } from "node:crypto";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { eventually } from "../../events/testing/wait.ts";
import { expectData, graphql } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

interface Member {
  id: string;
  token: string;
  name: string;
}

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { token user { id } } }`;
const FOLLOW = `mutation($id: ID!) { follow(userId: $id) { id } }`;
const UNFOLLOW = `mutation($id: ID!) { unfollow(userId: $id) { id } }`;
const PUBLISH = `mutation($m: String!) { publishPost(message: $m) { id message createdAt author { id } } }`;
const DELETE = `mutation($id: ID!) { deletePost(id: $id) }`;
const TIMELINE = `query($first: Int, $after: String) {
  timeline(first: $first, after: $after) {
    nodes { __typename ... on Post { id message author { name } } ... on Article { id title author { name } } }
    pageInfo { endCursor hasNextPage }
  }
}`;

type TimelineNode = { __typename: string; id: string; message?: string; title?: string };
type TimelinePage = {
  timeline: { nodes: TimelineNode[]; pageInfo: { endCursor: string; hasNextPage: boolean } };
};

describe("feed: follows, posts and the timeline through the gateway", () => {
  let stack: Stack;
  let alice: Member;
  let bob: Member;

  beforeAll(async () => {
    stack = await startStack({ subgraphs: ["accounts", "blog", "feed"] });
    alice = await register("Alice");
    bob = await register("Bob");
  });
  afterAll(() => stack?.stop());

  async function register(name: string): Promise<Member> {
    const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
    const data = await expectData<{ register: { token: string; user: { id: string } } }>(
      stack.url,
      REGISTER,
      {
        input: { email, name, password: "correct horse battery" },
      },
    );
    return { id: data.register.user.id, token: data.register.token, name };
  }

  /** accounts.user.registered reaches feed a moment after sign-up; until then the user is unknown there. */
  const follow = (who: Member, whom: Member) =>
    eventually(async () => (await graphql(stack.url, FOLLOW, { id: whom.id }, who.token)).data?.follow);

  const post = async (who: Member, message: string) =>
    (await expectData<{ publishPost: { id: string } }>(stack.url, PUBLISH, { m: message }, who.token))
      .publishPost.id;

  async function publishArticle(who: Member, title: string): Promise<string> {
    const created = await expectData<{ createArticle: { id: string } }>(
      stack.url,
      `mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }`,
      { input: { title, content: `All about ${title}.`, category: "engineering" } },
      who.token,
    );
    const id = created.createArticle.id;
    await expectData(stack.url, `mutation($id: ID!) { publishArticle(id: $id) { id } }`, { id }, who.token);
    return id;
  }

  const timeline = (who: Member, first = 20, after?: string) =>
    expectData<TimelinePage>(stack.url, TIMELINE, { first, after }, who.token).then((d) => d.timeline);

  it("follows idempotently and refuses yourself, strangers, bad ids and anonymous callers", async () => {
    expect(await follow(bob, alice)).toEqual({ id: alice.id });
    expect(await expectData(stack.url, FOLLOW, { id: alice.id }, bob.token)).toEqual({
      follow: { id: alice.id },
    });
    const errors = async (id: string, token?: string) =>
      (await graphql(stack.url, FOLLOW, { id }, token)).errors?.[0]?.extensions;
    expect(await errors(bob.id, bob.token)).toMatchObject({ code: "BAD_USER_INPUT", field: "userId" });
    expect(await errors("not-a-uuid", bob.token)).toMatchObject({ code: "BAD_USER_INPUT", field: "userId" });
    expect(await errors(randomUUID(), bob.token)).toMatchObject({ code: "NOT_FOUND" });
    expect(await errors(alice.id)).toMatchObject({ code: "UNAUTHENTICATED" });

    const social = await expectData<{ user: Record<string, unknown> }>(
      stack.url,
      `query($id: ID!) { user(id: $id) { name followerCount followers { id name } following { id } } }`,
      { id: alice.id },
    );
    expect(social.user).toEqual({
      name: "Alice",
      followerCount: 1,
      followers: [{ id: bob.id, name: "Bob" }],
      following: [],
    });
  });

  it("shows own and followed posts and articles mixed newest first, paged by cursor; unfollow removes them", async () => {
    await follow(bob, alice);
    const p1 = await post(alice, "First post");
    const article = await publishArticle(alice, "Federated feeds");
    const p2 = await post(alice, "Second post");
    const own = await post(bob, "Bob was here");
    const expected = [own, p2, article, p1];

    // The timeline is a projection built from events: wait until all four have arrived.
    const all = await eventually(async () => {
      const page = await timeline(bob);
      return page.nodes.length === 4 ? page : undefined;
    });
    expect(all.nodes.map((n) => n.id)).toEqual(expected);
    expect(all.nodes[2]).toEqual({
      __typename: "Article",
      id: article,
      title: "Federated feeds",
      author: { name: "Alice" },
    });
    expect(all.nodes[1]).toMatchObject({
      __typename: "Post",
      message: "Second post",
      author: { name: "Alice" },
    });

    const first = await timeline(bob, 3);
    expect(first.nodes.map((n) => n.id)).toEqual(expected.slice(0, 3));
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await timeline(bob, 3, first.pageInfo.endCursor);
    expect(rest.nodes.map((n) => n.id)).toEqual(expected.slice(3));
    expect(rest.pageInfo.hasNextPage).toBe(false);

    const bad = await graphql(stack.url, TIMELINE, { first: 3, after: "garbage" }, bob.token);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    expect((await graphql(stack.url, TIMELINE, {})).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    await expectData(stack.url, UNFOLLOW, { id: alice.id }, bob.token);
    expect(await expectData(stack.url, UNFOLLOW, { id: alice.id }, bob.token)).toEqual({
      unfollow: { id: alice.id },
    });
    expect((await timeline(bob)).nodes.map((n) => n.id)).toEqual([own]);
  });

  it("validates posts, lets only the author or an admin delete them, and pages an author's posts", async () => {
    const carol = await register("Carol");
    const refused = async (message: string, token?: string) =>
      (await graphql(stack.url, PUBLISH, { m: message }, token)).errors?.[0]?.extensions;
    expect(await refused("   ", carol.token)).toMatchObject({ code: "BAD_USER_INPUT", field: "message" });
    expect(await refused("x".repeat(281), carol.token)).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "message",
    });
    expect(await refused("hello")).toMatchObject({ code: "UNAUTHENTICATED" });
    // 280 characters as people count them, even when each is two UTF-16 units.
    expect(await post(carol, "🌊".repeat(280))).toBeTruthy();

    const ids = [await post(carol, "one"), await post(carol, "  two  "), await post(carol, "three")];
    const POSTS = `query($a: ID, $after: String) { posts(authorId: $a, first: 2, after: $after) {
      nodes { id message author { id } } pageInfo { endCursor hasNextPage } } }`;
    type Posts = {
      posts: {
        nodes: { id: string; message: string }[];
        pageInfo: { endCursor: string; hasNextPage: boolean };
      };
    };
    const page1 = await expectData<Posts>(stack.url, POSTS, { a: carol.id });
    expect(page1.posts.nodes.map((n) => n.message)).toEqual(["three", "two"]);
    const page2 = await expectData<Posts>(stack.url, POSTS, {
      a: carol.id,
      after: page1.posts.pageInfo.endCursor,
    });
    expect(page2.posts.nodes.map((n) => n.id)).toEqual([ids[0], expect.any(String)]);
    // The emoji post ends the list: none of the refused messages was stored.
    expect(page2.posts.pageInfo.hasNextPage).toBe(false);
    const viaUser = await expectData<{ user: { posts: { nodes: { message: string }[] } } }>(
      stack.url,
      `query($id: ID!) { user(id: $id) { posts(first: 1) { nodes { message } } } }`,
      { id: carol.id },
    );
    expect(viaUser.user.posts.nodes).toEqual([{ message: "three" }]);

    const forbidden = await graphql(stack.url, DELETE, { id: ids[0] }, bob.token);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const still = await expectData<{ post: { message: string } | null }>(
      stack.url,
      `query($id: ID!) { post(id: $id) { message } }`,
      { id: ids[0] },
    );
    expect(still.post).toEqual({ message: "one" });
    expect(await expectData(stack.url, DELETE, { id: ids[0] }, carol.token)).toEqual({ deletePost: true });
    const admin = tokenFor(["ADMIN"]);
    expect(await expectData(stack.url, DELETE, { id: ids[1] }, admin.token)).toEqual({ deletePost: true });
    expect(
      (await graphql(stack.url, DELETE, { id: ids[1] }, admin.token)).errors?.[0]?.extensions?.code,
    ).toBe("NOT_FOUND");
    const gone = await expectData<{ a: unknown; b: unknown }>(
      stack.url,
      `query($id: ID!) { a: post(id: $id) { id } b: post(id: "nope") { id } }`,
      { id: ids[0] },
    );
    expect(gone).toEqual({ a: null, b: null });
  });

  it("batches User list fields across many users in one gateway request", async () => {
    const dave = await register("Dave");
    await follow(dave, alice);
    await follow(dave, bob);
    const data = await expectData<{ a: Record<string, unknown>; b: Record<string, unknown> }>(
      stack.url,
      `query($a: ID!, $b: ID!) {
        a: user(id: $a) { followerCount followers { name } posts(first: 1) { nodes { message } } }
        b: user(id: $b) { followerCount followers { name } posts(first: 1) { nodes { message } } }
      }`,
      { a: alice.id, b: bob.id },
    );
    expect(data.a).toMatchObject({ followerCount: 1, followers: [{ name: "Dave" }] });
    expect(data.b).toEqual({
      followerCount: 1,
      followers: [{ name: "Dave" }],
      posts: { nodes: [{ message: "Bob was here" }] },
    });
  });

  it("streams postPublished over graphql-ws, filtered by author", async () => {
    const client = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const received: unknown[] = [];
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe(
        {
          query: `subscription($a: ID) { postPublished(authorId: $a) { message author { id name } } }`,
          variables: { a: alice.id },
        },
        {
          next: (message) => {
            received.push(message.data);
            if (received.length === 2) resolve();
          },
          error: reject,
          complete: () => {},
        },
      );
    });
    await new Promise((r) => setTimeout(r, 300));
    await post(bob, "not for these subscribers");
    await post(alice, "live one");
    await post(alice, "live two");
    await done;
    client.dispose();
    expect(received).toEqual([
      { postPublished: { message: "live one", author: { id: alice.id, name: "Alice" } } },
      { postPublished: { message: "live two", author: { id: alice.id, name: "Alice" } } },
    ]);
  });
});

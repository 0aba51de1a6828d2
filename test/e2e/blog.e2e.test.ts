import { randomUUID } from "node:crypto";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { eventually } from "../../events/testing/wait.ts";
import { expectData, graphql } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const admin = tokenFor(["ADMIN"]);
const stranger = tokenFor(["CUSTOMER"]);

const CREATE = `mutation($input: CreateArticleInput!) { createArticle(input: $input) { id status tags publishedAt } }`;
const PUBLISH = `mutation($id: ID!) { publishArticle(id: $id) { id status publishedAt } }`;
const ARCHIVE = `mutation($id: ID!) { archiveArticle(id: $id) { id status } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateArticleInput!) { updateArticle(id: $id, input: $input) { id title } }`;
const DELETE = `mutation($id: ID!) { deleteArticle(id: $id) }`;
const READ = `query($id: ID!) { article(id: $id) { id title status viewsCount author { id } } }`;
const PEEK = `query($id: ID!) { articleById(id: $id) { id viewsCount } }`;

interface Author {
  id: string;
  token: string;
  name: string;
}

describe("the blog through the gateway", () => {
  let stack: Stack;
  let alice: Author;

  beforeAll(async () => {
    stack = await startStack({ subgraphs: ["accounts", "blog"] });
    alice = await register("Alice");
  });
  afterAll(() => stack?.stop());

  /** A real account, so the gateway can join accounts' `name` onto Article.author. */
  async function register(name: string): Promise<Author> {
    const data = await expectData<{ register: { token: string; user: { id: string } } }>(
      stack.url,
      `mutation($input: RegisterInput!) { register(input: $input) { token user { id } } }`,
      {
        input: {
          name,
          email: `${name.toLowerCase()}-${randomUUID()}@example.com`,
          password: "correct horse",
        },
      },
    );
    return { id: data.register.user.id, token: data.register.token, name };
  }

  async function draft(token: string, input: Record<string, unknown> = {}) {
    const data = await expectData<{ createArticle: { id: string } }>(
      stack.url,
      CREATE,
      { input: { title: "Untitled", content: "Words.", category: "misc", ...input } },
      token,
    );
    return data.createArticle.id;
  }

  async function published(token: string, input: Record<string, unknown> = {}) {
    const id = await draft(token, input);
    await expectData(stack.url, PUBLISH, { id }, token);
    return id;
  }

  const read = async (id: string, token?: string) =>
    (
      await expectData<{ article: { title: string; viewsCount: number } | null }>(
        stack.url,
        READ,
        { id },
        token,
      )
    ).article;

  const errorOf = async (query: string, variables: Record<string, unknown>, token?: string) =>
    (await graphql(stack.url, query, variables, token)).errors?.[0]?.extensions;

  it("keeps a draft from everyone but its author and admins", async () => {
    const id = await draft(alice.token, { title: "Secret plans", tags: ["Plans", "plans", "WIP"] });
    expect(await read(id)).toBeNull();
    expect(await read(id, stranger.token)).toBeNull();
    expect(await read(id, alice.token)).toMatchObject({ title: "Secret plans", status: "DRAFT" });
    expect(await read(id, admin.token)).toMatchObject({ title: "Secret plans", author: { id: alice.id } });

    const drafts = `query($author: ID) { articles(status: DRAFT, author: $author) { items { id tags } } }`;
    const own = await expectData<{ articles: { items: { id: string; tags: string[] }[] } }>(
      stack.url,
      drafts,
      {},
      alice.token,
    );
    expect(own.articles.items).toContainEqual({ id, tags: ["plans", "wip"] });
    const theirs = await expectData<{ articles: { items: unknown[] } }>(
      stack.url,
      drafts,
      { author: alice.id },
      stranger.token,
    );
    expect(theirs.articles.items).toEqual([]);

    const userDrafts = `query($id: ID!) { user(id: $id) { name articles(status: DRAFT) { id } } }`;
    const asAuthor = await expectData<{ user: { name: string; articles: { id: string }[] } }>(
      stack.url,
      userDrafts,
      { id: alice.id },
      alice.token,
    );
    expect(asAuthor.user.articles.map((a) => a.id)).toContain(id);
    const asAnonymous = await expectData<{ user: { articles: unknown[] } }>(stack.url, userDrafts, {
      id: alice.id,
    });
    expect(asAnonymous.user).toEqual({ name: "Alice", articles: [] });
  });

  it("publishes an article for everyone, joined with its author's name from accounts", async () => {
    const bob = await register("Bob");
    const category = `travel-${randomUUID()}`;
    const first = await published(alice.token, { title: "Lisbon", category });
    const second = await published(bob.token, { title: "Porto", category });
    const page = await expectData<{
      articles: {
        items: {
          id: string;
          status: string;
          publishedAt: string;
          author: { name: string; articles: { id: string }[] };
        }[];
        pageInfo: { totalItems: number };
      };
    }>(
      stack.url,
      `query($c: String) { articles(category: $c) { items { id status publishedAt author { name articles { id } } } pageInfo { totalItems } } }`,
      { c: category },
    );
    expect(page.articles.pageInfo.totalItems).toBe(2);
    expect(page.articles.items.map((a) => [a.id, a.author.name])).toEqual([
      [second, "Bob"],
      [first, "Alice"],
    ]);
    expect(page.articles.items[1]?.author.articles.map((a) => a.id)).toContain(first);
    expect(page.articles.items[0]?.author.articles.map((a) => a.id)).toEqual([second]);
    expect(Date.parse(page.articles.items[0]?.publishedAt ?? "")).not.toBeNaN();
  });

  it("searches published articles with stemming, best match first, ignoring drafts", async () => {
    const word = `zq${randomUUID().slice(0, 8)}`;
    const inTitle = await published(alice.token, { title: `Running ${word}`, content: "About shoes." });
    const inBody = await published(alice.token, { title: `Shoes ${word}`, content: "Why I run every day." });
    await draft(alice.token, { title: `Running draft ${word}` });
    const search = `query($q: String!) { searchArticles(q: $q) { items { id } pageInfo { totalItems } } }`;
    const found = await expectData<{
      searchArticles: { items: { id: string }[]; pageInfo: { totalItems: number } };
    }>(stack.url, search, { q: `runs ${word}` });
    expect(found.searchArticles.items.map((a) => a.id)).toEqual([inTitle, inBody]);
    expect(found.searchArticles.pageInfo.totalItems).toBe(2);
    expect(await errorOf(search, { q: "   " })).toMatchObject({ code: "BAD_USER_INPUT", field: "q" });
  });

  it("counts views of article(id) only", async () => {
    const id = await published(alice.token, { title: "Counted" });
    expect((await read(id))?.viewsCount).toBe(1);
    expect((await read(id, stranger.token))?.viewsCount).toBe(2);
    await expectData(stack.url, PEEK, { id });
    await expectData(stack.url, `{ articles { items { id } } }`);
    await expectData(stack.url, `{ searchArticles(q: "counted") { items { id } } }`);
    const peek = await expectData<{ articleById: { viewsCount: number } }>(stack.url, PEEK, { id });
    expect(peek.articleById.viewsCount).toBe(2);
  });

  it("counts every one of many identical concurrent reads, though the gateway shares identical fetches", async () => {
    const id = await published(alice.token, { title: "Popular" });
    const reads = await Promise.all(
      Array.from({ length: 30 }, () =>
        expectData<{ article: { viewsCount: number } }>(
          stack.url,
          `query($id: ID!) { article(id: $id) { viewsCount } }`,
          {
            id,
          },
        ),
      ),
    );
    // Each read saw its own count: 1 to 30, in whatever order they landed.
    expect(reads.map((r) => r.article.viewsCount).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    const peek = await expectData<{ articleById: { viewsCount: number } }>(stack.url, PEEK, { id });
    expect(peek.articleById.viewsCount).toBe(30);
  });

  it("archives an article out of public sight and re-publishes it; other moves are conflicts", async () => {
    const id = await published(alice.token, { title: "Seasonal" });
    expect(await errorOf(PUBLISH, { id }, alice.token)).toMatchObject({ code: "CONFLICT" });
    await expectData(stack.url, ARCHIVE, { id }, alice.token);
    expect(await read(id)).toBeNull();
    expect(await read(id, alice.token)).toMatchObject({ status: "ARCHIVED" });
    const list = await expectData<{ articles: { items: { id: string }[] } }>(
      stack.url,
      `{ articles(perPage: 100) { items { id } } }`,
    );
    expect(list.articles.items.map((a) => a.id)).not.toContain(id);
    expect(await errorOf(ARCHIVE, { id }, alice.token)).toMatchObject({ code: "CONFLICT" });
    const republished = await expectData<{ publishArticle: { status: string } }>(
      stack.url,
      PUBLISH,
      { id },
      admin.token,
    );
    expect(republished.publishArticle.status).toBe("PUBLISHED");
    expect(await read(id)).toMatchObject({ title: "Seasonal" });
    const fresh = await draft(alice.token);
    expect(await errorOf(ARCHIVE, { id: fresh }, alice.token)).toMatchObject({ code: "CONFLICT" });
  });

  it("lets only the author or an admin change an article, and only signed-in users write", async () => {
    const id = await draft(alice.token, { title: "Mine" });
    for (const [query, variables] of [
      [UPDATE, { id, input: { title: "Theirs" } }],
      [PUBLISH, { id }],
      [ARCHIVE, { id }],
      [DELETE, { id }],
    ] as const) {
      expect(await errorOf(query, variables, stranger.token)).toMatchObject({ code: "FORBIDDEN" });
      expect(await errorOf(query, variables)).toMatchObject({ code: "UNAUTHENTICATED" });
    }
    expect(await errorOf(CREATE, { input: { title: "x", content: "y", category: "z" } })).toMatchObject({
      code: "UNAUTHENTICATED",
    });
    expect(await read(id, alice.token)).toMatchObject({ title: "Mine", status: "DRAFT" });

    expect(await errorOf(PUBLISH, { id: randomUUID() }, alice.token)).toMatchObject({ code: "NOT_FOUND" });
    expect(await errorOf(PUBLISH, { id: "42" }, alice.token)).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "id",
    });
    const renamed = await expectData<{ updateArticle: { title: string } }>(
      stack.url,
      UPDATE,
      { id, input: { title: "Renamed by an admin" } },
      admin.token,
    );
    expect(renamed.updateArticle.title).toBe("Renamed by an admin");
    expect(await expectData(stack.url, DELETE, { id }, alice.token)).toEqual({ deleteArticle: true });
    expect(await read(id, alice.token)).toBeNull();
    expect(await errorOf(DELETE, { id }, alice.token)).toMatchObject({ code: "NOT_FOUND" });
  });

  it("names the field of invalid input and writes nothing", async () => {
    const writer = tokenFor(["AUTHOR"]);
    const base = { title: "Fine", content: "Fine", category: "fine" };
    const invalid: [Record<string, unknown>, string][] = [
      [{ title: " " }, "title"],
      [{ content: "x".repeat(100_001) }, "content"],
      [{ category: "c".repeat(51) }, "category"],
      [{ tags: Array.from({ length: 11 }, (_, i) => `tag${i}`) }, "tags"],
      [{ tags: ["t".repeat(31)] }, "tags"],
    ];
    for (const [override, field] of invalid) {
      const extensions = await errorOf(CREATE, { input: { ...base, ...override } }, writer.token);
      expect(extensions, field).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
    const mine = await expectData<{ articles: { items: unknown[] } }>(
      stack.url,
      `{ articles(status: DRAFT) { items { id } } }`,
      {},
      writer.token,
    );
    expect(mine.articles.items).toEqual([]);
    const id = await draft(writer.token);
    expect(await errorOf(UPDATE, { id, input: {} }, writer.token)).toMatchObject({ field: "input" });
    expect(await errorOf(UPDATE, { id, input: { title: "" } }, writer.token)).toMatchObject({
      field: "title",
    });
  });

  it("delivers articlePublished over graphql-ws to subscribers of that category only", async () => {
    const [wanted, other] = [`cats-${randomUUID()}`, `dogs-${randomUUID()}`];
    const client = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const subscribe = (category: string) => {
      const received: { articlePublished: { id: string; category: string; author: { name: string } } }[] = [];
      client.subscribe(
        {
          query: `subscription($c: String) { articlePublished(category: $c) { id category author { name } } }`,
          variables: { c: category },
        },
        {
          next: (m) => received.push(m.data as (typeof received)[number]),
          error: () => {},
          complete: () => {},
        },
      );
      return received;
    };
    try {
      const cats = subscribe(wanted);
      const dogs = subscribe(other);
      // Give the subscriptions a moment to register before the events they wait for are produced.
      await new Promise((r) => setTimeout(r, 300));
      const dog = await published(alice.token, { title: "Good dog", category: other });
      const cat = await published(alice.token, { title: "Cool cat", category: wanted });
      await eventually(async () => cats.length >= 1 && dogs.length >= 1, 20_000);
      await new Promise((r) => setTimeout(r, 300));
      expect(cats).toEqual([{ articlePublished: { id: cat, category: wanted, author: { name: "Alice" } } }]);
      expect(dogs.map((m) => m.articlePublished.id)).toEqual([dog]);
    } finally {
      await client.dispose();
    }
  });
});

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "../../../test/support/database.ts";
import { createUnitOfWork } from "../../kit/unit-of-work.ts";
import { outbox, posts } from "../db/schema.ts";
import { feed } from "../server.ts";
import { createPostsRepository } from "./posts.ts";

describe("feed posts repository", () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  let repo: ReturnType<typeof createPostsRepository>;

  beforeAll(async () => {
    database = await openTestDatabase(feed);
    repo = createPostsRepository(createUnitOfWork(database.db));
  });
  afterAll(() => database.dispose());

  const eventsFor = async (key: string) =>
    (await database.db.select().from(outbox)).filter((e) => e.key === key).sort((a, b) => a.seq - b.seq);

  /** Posts with distinct, known timestamps, so the order under test does not depend on the clock. */
  async function seed(authorId: string, count: number, baseMs: number) {
    const rows = [];
    for (let i = 0; i < count; i++) {
      const [row] = await database.db
        .insert(posts)
        .values({ authorId, message: `post ${i}`, createdAt: new Date(baseMs + i * 1000) })
        .returning();
      rows.push(row!);
    }
    return rows;
  }

  it("keys an author's posts by the author, so they share a partition and keep their order", async () => {
    const author = randomUUID();
    const first = await repo.publish(author, "one");
    const second = await repo.publish(author, "two");
    const events = await eventsFor(author);
    expect(events.map((e) => e.payload.postId)).toEqual([first.id, second.id]);
    expect(await eventsFor(first.id)).toEqual([]);
  });

  it("publishes a post and writes feed.post.published in the same transaction", async () => {
    const author = randomUUID();
    const post = await repo.publish(author, "Hello, feed");
    const [event] = await eventsFor(author);
    expect(event?.topic).toBe("feed.post.published");
    expect(event?.payload).toMatchObject({
      entity: { typename: "Post", id: post.id },
      postId: post.id,
      authorId: author,
      message: "Hello, feed",
      createdAt: post.createdAt.toISOString(),
    });
  });

  it("pages one author's posts newest first with a keyset cursor, first + 1 rows at a time", async () => {
    const author = randomUUID();
    const seeded = await seed(author, 5, Date.parse("2026-01-01T00:00:00Z"));
    const newest = [...seeded].reverse().map((p) => p.message);
    const first = await repo.list(author, { first: 2, after: null });
    expect(first.map((p) => p.message)).toEqual(newest.slice(0, 3));
    const last = first[1]!;
    const second = await repo.list(author, { first: 2, after: { at: last.createdAt, id: last.id } });
    expect(second.map((p) => p.message)).toEqual(newest.slice(2, 5));
    const end = await repo.list(author, {
      first: 10,
      after: { at: seeded[0]!.createdAt, id: seeded[0]!.id },
    });
    expect(end).toEqual([]);
  });

  it("breaks timestamp ties by id, so equal times never repeat or skip a post across pages", async () => {
    const author = randomUUID();
    const at = new Date("2026-02-01T00:00:00Z");
    await database.db
      .insert(posts)
      .values([1, 2, 3].map((n) => ({ authorId: author, message: `tie ${n}`, createdAt: at })));
    const seen: string[] = [];
    let after = null;
    for (let i = 0; i < 3; i++) {
      const [row] = await repo.list(author, { first: 1, after });
      seen.push(row!.id);
      after = { at: row!.createdAt, id: row!.id };
    }
    expect(new Set(seen).size).toBe(3);
    expect(await repo.list(author, { first: 1, after })).toEqual([]);
  });

  it("loads the same page for many authors in one call, first + 1 per author", async () => {
    const [a, b, quiet] = [randomUUID(), randomUUID(), randomUUID()];
    await seed(a, 4, Date.parse("2026-03-01T00:00:00Z"));
    await seed(b, 1, Date.parse("2026-03-02T00:00:00Z"));
    const pages = await repo.listForAuthors([a, b, quiet], { first: 2, after: null });
    expect(pages.get(a)?.map((p) => p.message)).toEqual(["post 3", "post 2", "post 1"]);
    expect(pages.get(b)?.map((p) => p.message)).toEqual(["post 0"]);
    expect(pages.get(quiet)).toEqual([]);
    expect(pages.get(a)?.[0]?.createdAt).toBeInstanceOf(Date);
  });

  it("deletes with feed.post.deleted, and a refused delete writes and publishes nothing", async () => {
    const author = randomUUID();
    const post = await repo.publish(author, "short-lived");
    await expect(
      repo.delete(post.id, () => {
        throw new Error("not yours");
      }),
    ).rejects.toThrow("not yours");
    expect(await repo.findByIds([post.id])).toHaveLength(1);
    expect((await eventsFor(author)).map((e) => e.topic)).toEqual(["feed.post.published"]);

    expect(await repo.delete(post.id, () => {})).toBe(true);
    expect(await repo.delete(post.id, () => {})).toBe(false);
    expect(await repo.findByIds([post.id])).toEqual([]);
    const events = await eventsFor(author);
    expect(events.map((e) => e.topic)).toEqual(["feed.post.published", "feed.post.deleted"]);
    expect(events[1]?.payload).toMatchObject({ postId: post.id, authorId: author });
  });
});

import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "../../../test/support/database.ts";
import { createUnitOfWork } from "../../kit/unit-of-work.ts";
import { outbox } from "../db/schema.ts";
import { blog } from "../server.ts";
import { ANONYMOUS, type Reader } from "../visibility.ts";
import { type ArticlesRepository, createArticlesRepository, type NewArticle } from "./articles.ts";

const firstPage = { page: 1, perPage: 10, offset: 0 };
const ADMIN: Reader = { id: randomUUID(), admin: true };
const readerFor = (id: string): Reader => ({ id, admin: false });
const pause = () => new Promise((r) => setTimeout(r, 5));

describe("blog repository", () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  let repo: ArticlesRepository;

  beforeAll(async () => {
    database = await openTestDatabase(blog);
    repo = createArticlesRepository(createUnitOfWork(database.db));
  });
  afterAll(() => database.dispose());

  const article = (title: string, extra: Partial<NewArticle> = {}): NewArticle => ({
    title,
    content: `Some words about ${title}.`,
    category: "essays",
    tags: [],
    ...extra,
  });

  async function published(authorId: string, input: NewArticle) {
    const created = await repo.create(authorId, input);
    const outcome = await repo.transition(created.id, "PUBLISHED");
    if (!outcome?.moved) throw new Error("could not publish");
    return outcome.article;
  }

  const eventsAbout = async (id: string) =>
    (await database.db.select().from(outbox))
      .filter((e) => (e.payload as { articleId?: string }).articleId === id)
      .sort((a, b) => a.seq - b.seq);

  it("creates a draft and announces it as created, keyed by its author (no publication yet)", async () => {
    const author = randomUUID();
    const draft = await repo.create(author, article("First steps", { tags: ["intro", "go"] }));
    expect(draft).toMatchObject({ authorId: author, status: "DRAFT", viewsCount: 0, tags: ["intro", "go"] });
    expect(draft.publishedAt).toBeNull();
    expect(draft).not.toHaveProperty("search");
    const events = await eventsAbout(draft.id);
    expect(events.map((e) => [e.topic, e.key, e.payload])).toEqual([
      [
        "blog.article.created",
        author,
        {
          entity: { typename: "Article", id: draft.id },
          articleId: draft.id,
          authorId: author,
          title: "First steps",
          category: "essays",
          tags: ["intro", "go"],
        },
      ],
    ]);
  });

  it("publishes, archives and re-publishes, keeping the first publication time and announcing each step", async () => {
    const author = randomUUID();
    const draft = await repo.create(author, article("Life cycle", { category: "howto", tags: ["a", "b"] }));
    const first = await repo.transition(draft.id, "PUBLISHED");
    expect(first).toMatchObject({ moved: true, article: { status: "PUBLISHED" } });
    const publishedAt = first?.moved ? first.article.publishedAt : null;
    expect(publishedAt).toBeInstanceOf(Date);
    expect(await repo.transition(draft.id, "ARCHIVED")).toMatchObject({ article: { status: "ARCHIVED" } });
    const again = await repo.transition(draft.id, "PUBLISHED");
    expect(again).toMatchObject({ moved: true, article: { status: "PUBLISHED", publishedAt } });

    const events = await eventsAbout(draft.id);
    expect(events.map((e) => e.topic)).toEqual([
      "blog.article.created",
      "blog.article.published",
      "blog.article.archived",
      "blog.article.published",
    ]);
    expect(events[1]?.payload).toMatchObject({
      entity: { typename: "Article", id: draft.id },
      articleId: draft.id,
      authorId: author,
      title: "Life cycle",
      category: "howto",
      tags: ["a", "b"],
      publishedAt: publishedAt?.toISOString(),
    });
    expect(events[2]?.payload).toMatchObject({ articleId: draft.id, authorId: author });
    // One author's articles share a key, hence a partition: subscribers get them in the order they were published.
    expect(events.map((e) => e.key)).toEqual([author, author, author, author]);
  });

  it("refuses transitions the life cycle does not allow, writing and announcing nothing", async () => {
    const draft = await repo.create(randomUUID(), article("Stuck"));
    expect(await repo.transition(draft.id, "ARCHIVED")).toEqual({ moved: false, current: "DRAFT" });
    await repo.transition(draft.id, "PUBLISHED");
    expect(await repo.transition(draft.id, "PUBLISHED")).toEqual({ moved: false, current: "PUBLISHED" });
    expect(await repo.transition(randomUUID(), "PUBLISHED")).toBeNull();
    expect((await eventsAbout(draft.id)).map((e) => e.topic)).toEqual([
      "blog.article.created",
      "blog.article.published",
    ]);
    expect((await repo.findByIds([draft.id]))[0]?.status).toBe("PUBLISHED");
  });

  it("lets only one of two concurrent publications through, and counts concurrent views exactly", async () => {
    const draft = await repo.create(randomUUID(), article("Race"));
    const outcomes = await Promise.all([
      repo.transition(draft.id, "PUBLISHED"),
      repo.transition(draft.id, "PUBLISHED"),
    ]);
    expect(outcomes.filter((o) => o?.moved)).toHaveLength(1);
    expect(outcomes.filter((o) => o && !o.moved)).toEqual([{ moved: false, current: "PUBLISHED" }]);
    expect((await eventsAbout(draft.id)).map((e) => e.topic)).toEqual([
      "blog.article.created",
      "blog.article.published",
    ]);

    await Promise.all(Array.from({ length: 10 }, () => repo.read(draft.id, ANONYMOUS)));
    expect((await repo.findByIds([draft.id]))[0]?.viewsCount).toBe(10);
  });

  it("updates only the given fields and deletes, announcing each (an unknown id changes and announces nothing)", async () => {
    const author = randomUUID();
    const draft = await repo.create(author, article("Before", { tags: ["keep"] }));
    await pause();
    const updated = await repo.update(draft.id, { title: "After" });
    expect(updated).toMatchObject({ title: "After", content: draft.content, tags: ["keep"] });
    expect(updated!.updatedAt.getTime()).toBeGreaterThan(draft.updatedAt.getTime());
    expect(await repo.update(randomUUID(), { title: "x" })).toBeNull();
    expect(await repo.delete(draft.id)).toBe(true);
    expect(await repo.delete(draft.id)).toBe(false);
    const events = await eventsAbout(draft.id);
    expect(events.map((e) => [e.topic, e.payload])).toEqual([
      [
        "blog.article.created",
        {
          entity: { typename: "Article", id: draft.id },
          articleId: draft.id,
          authorId: author,
          title: "Before",
          category: "essays",
          tags: ["keep"],
        },
      ],
      [
        "blog.article.updated",
        {
          entity: { typename: "Article", id: draft.id },
          articleId: draft.id,
          authorId: author,
          title: "After",
          category: "essays",
          tags: ["keep"],
          status: "DRAFT",
        },
      ],
      [
        "blog.article.deleted",
        { entity: { typename: "Article", id: draft.id }, articleId: draft.id, authorId: author },
      ],
    ]);
  });

  it("counts a view only for a read that returns the article; lookups by id count nothing", async () => {
    const author = randomUUID();
    const draft = await repo.create(author, article("Counted"));
    expect(await repo.read(draft.id, ANONYMOUS)).toBeNull();
    expect(await repo.read(draft.id, readerFor(randomUUID()))).toBeNull();
    expect((await repo.read(draft.id, readerFor(author)))?.viewsCount).toBe(1);
    expect((await repo.read(draft.id, ADMIN))?.viewsCount).toBe(2);
    await repo.transition(draft.id, "PUBLISHED");
    expect((await repo.read(draft.id, ANONYMOUS))?.viewsCount).toBe(3);
    await repo.findByIds([draft.id]);
    await repo.list({ author }, ANONYMOUS, firstPage);
    expect((await repo.findByIds([draft.id]))[0]?.viewsCount).toBe(3);
  });

  it("lists published articles by default and drafts only to their author or an admin, newest first", async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    const category = `lists-${randomUUID()}`;
    const older = await published(alice, article("Older", { category }));
    await pause();
    const newer = await published(bob, article("Newer", { category }));
    const aliceDraft = await repo.create(alice, article("Alice draft", { category }));
    await repo.create(bob, article("Bob draft", { category }));

    const titles = async (filter: Parameters<typeof repo.list>[0], reader: Reader) =>
      (await repo.list({ category, ...filter }, reader, firstPage)).items.map((a) => a.title);

    expect(await titles({}, ANONYMOUS)).toEqual([newer.title, older.title]);
    expect(await titles({ status: "PUBLISHED", author: alice }, ANONYMOUS)).toEqual(["Older"]);
    expect(await titles({ status: "DRAFT" }, readerFor(alice))).toEqual([aliceDraft.title]);
    expect(await titles({ status: "DRAFT", author: bob }, readerFor(alice))).toEqual([]);
    expect(await titles({ status: "DRAFT" }, ANONYMOUS)).toEqual([]);
    expect((await titles({ status: "DRAFT" }, ADMIN)).sort()).toEqual(["Alice draft", "Bob draft"]);
    expect(await titles({ author: "not-a-uuid" }, ANONYMOUS)).toEqual([]);

    const paged = await repo.list({ category }, ANONYMOUS, { page: 2, perPage: 1, offset: 1 });
    expect(paged).toMatchObject({ totalItems: 2, items: [{ title: "Older" }] });
  });

  it("lists many authors' articles in one call, per status", async () => {
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
    await published(a, article("A1"));
    await published(b, article("B1"));
    await repo.create(b, article("B draft"));
    const rows = await repo.listByAuthors([a, b, c], "PUBLISHED");
    expect(rows.map((r) => r.title).sort()).toEqual(["A1", "B1"]);
    expect((await repo.listByAuthors([b], "DRAFT")).map((r) => r.title)).toEqual(["B draft"]);
  });

  it("searches published articles with English stemming, title matches ranked above body matches", async () => {
    const author = randomUUID();
    // The title match is the older one: only its weight can put it first.
    const inTitle = await published(author, article("Why I run", { content: "Habits and mornings." }));
    await pause();
    const inBody = await published(author, article("Morning habits", { content: "I run before breakfast." }));
    await repo.create(author, article("Running draft", { content: "Unpublished running notes." }));

    const found = await repo.search("running", firstPage);
    expect(found.items.map((a) => a.id)).toEqual([inTitle.id, inBody.id]);
    expect(found.totalItems).toBe(2);
    expect((await repo.search("zebra", firstPage)).items).toEqual([]);
    // Only stop words: an empty query that matches nothing rather than an error.
    expect(await repo.search("the and", firstPage)).toEqual({ items: [], totalItems: 0 });
    expect((await repo.search('"before breakfast" -zebra', firstPage)).items.map((a) => a.id)).toEqual([
      inBody.id,
    ]);
  });

  it("searches tags, and follows edits: the vector is recomputed from new and stored values", async () => {
    const author = randomUUID();
    const tagged = await published(author, article("Plain title", { tags: ["kubernetes"] }));
    expect((await repo.search("kubernetes", firstPage)).items.map((a) => a.id)).toEqual([tagged.id]);

    await repo.update(tagged.id, { title: "Orchestrating containers" });
    expect((await repo.search("orchestrate", firstPage)).items.map((a) => a.id)).toEqual([tagged.id]);
    expect((await repo.search("kubernetes", firstPage)).items.map((a) => a.id)).toEqual([tagged.id]);

    await repo.update(tagged.id, { tags: ["nomad"] });
    expect((await repo.search("kubernetes", firstPage)).items).toEqual([]);
    expect((await repo.search("nomad orchestrating", firstPage)).items.map((a) => a.id)).toEqual([tagged.id]);

    await repo.transition(tagged.id, "ARCHIVED");
    expect((await repo.search("nomad", firstPage)).items).toEqual([]);
  });

  it("searches ignoring accents, case and character width, in titles, tags and bodies, and after edits", async () => {
    const author = randomUUID();
    const creme = await published(author, article("Crème brûlée at home", { tags: ["Pâtisserie"] }));
    const cafe = await published(author, article("Mornings", { content: "A ｃａｆé on the corner." }));
    const ids = async (q: string) => (await repo.search(q, firstPage)).items.map((a) => a.id);
    expect(await ids("CREME")).toEqual([creme.id]);
    expect(await ids("brulee")).toEqual([creme.id]);
    expect(await ids("patisserie")).toEqual([creme.id]);
    expect(await ids("ＣＲＥＭＥ")).toEqual([creme.id]);
    expect(await ids("cafe")).toEqual([cafe.id]);
    expect(await ids("café")).toEqual([cafe.id]);
    await repo.update(cafe.id, { title: "Évora mornings" });
    expect(await ids("EVORA")).toEqual([cafe.id]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "../../../test/support/database.ts";
import { createUnitOfWork } from "../../kit/unit-of-work.ts";
import { outbox } from "../db/schema.ts";
import { catalog } from "../server.ts";
import { createProductsRepository, type ProductsRepository } from "./products.ts";

describe("catalog repository", () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  let repo: ProductsRepository;

  beforeAll(async () => {
    database = await openTestDatabase(catalog);
    repo = createProductsRepository(createUnitOfWork(database.db));
  });
  afterAll(() => database.dispose());

  const product = (name: string, category = "books") => ({
    name,
    description: `About ${name}`,
    priceCents: 1299,
    currency: "USD",
    category,
  });

  it("creates a product and writes its created event in the same transaction", async () => {
    const created = await repo.create(product("Dune"));
    const events = await database.db.select().from(outbox);
    const event = events.find((e) => e.key === created.id);
    expect(event?.topic).toBe("catalog.product.created");
    expect(event?.payload).toMatchObject({ productId: created.id, name: "Dune", priceCents: 1299 });
    expect(event?.sentAt).toBeNull();
  });

  it("pages newest first and filters by category and by search text, treating % literally", async () => {
    await repo.create(product("Espresso machine", "kitchen"));
    await repo.create(product("100% cotton apron", "kitchen"));
    const kitchen = await repo.list({ category: "kitchen" }, { page: 1, perPage: 1, offset: 0 });
    expect(kitchen.totalItems).toBe(2);
    expect(kitchen.items.map((p) => p.name)).toEqual(["100% cotton apron"]);
    const search = await repo.list({ search: "0%" }, { page: 1, perPage: 10, offset: 0 });
    expect(search.items.map((p) => p.name)).toEqual(["100% cotton apron"]);
  });

  it("updates and discontinues, announcing both, and refuses both on a discontinued or missing product", async () => {
    const created = await repo.create(product("Old name"));
    const updated = await repo.update(created.id, { priceCents: 999, name: "New name" });
    expect(updated).toMatchObject({ name: "New name", priceCents: 999 });
    expect((await repo.discontinue(created.id))?.discontinuedAt).toBeInstanceOf(Date);
    expect(await repo.discontinue(created.id)).toBeNull();
    expect(await repo.update(created.id, { name: "x" })).toBeNull();
    expect(await repo.discontinue("00000000-0000-4000-8000-000000000000")).toBeNull();
    const topics = (await database.db.select().from(outbox))
      .filter((e) => e.key === created.id)
      .sort((a, b) => a.seq - b.seq)
      .map((e) => e.topic);
    expect(topics).toEqual(["catalog.product.created", "catalog.product.updated", "catalog.product.deleted"]);
  });

  it("keeps a discontinued product resolvable by id but out of listings, search and the count", async () => {
    const gone = await repo.create(product("Discontinued kettle", "gone"));
    const kept = await repo.create(product("Kept kettle", "gone"));
    const totalBefore = await repo.count();
    await repo.discontinue(gone.id);
    expect(await repo.count()).toBe(totalBefore - 1);
    expect((await repo.findByIds([gone.id]))[0]?.name).toBe("Discontinued kettle");
    const listed = await repo.list({ category: "gone" }, { page: 1, perPage: 10, offset: 0 });
    expect(listed).toEqual({ items: [expect.objectContaining({ id: kept.id })], totalItems: 1 });
    const all = await repo.list({}, { page: 1, perPage: 100, offset: 0 });
    expect(all.items.map((p) => p.id)).not.toContain(gone.id);
    const searched = await repo.list({ search: "kettle" }, { page: 1, perPage: 10, offset: 0 });
    expect(searched.items.map((p) => p.id)).toEqual([kept.id]);
  });

  it("searches ignoring case, accents and character width", async () => {
    const creme = await repo.create(product("Crème brûlée torch", "folding"));
    const cafe = await repo.create({ ...product("Mug", "folding"), description: "For ｃａｆé au lait" });
    const find = async (search: string) =>
      (await repo.list({ search, category: "folding" }, { page: 1, perPage: 10, offset: 0 })).items.map(
        (p) => p.id,
      );
    expect(await find("CREME")).toEqual([creme.id]);
    expect(await find("brulee")).toEqual([creme.id]);
    expect(await find("ＣＲÈＭＥ")).toEqual([creme.id]);
    expect(await find("cafe au")).toEqual([cafe.id]);
    expect(await find("Café")).toEqual([cafe.id]);
    // A full-width percent sign folds to "%", which still matches only itself.
    expect(await find("％")).toEqual([]);
  });

  it("loads many products by id in one call", async () => {
    const a = await repo.create(product("A"));
    const b = await repo.create(product("B"));
    const found = await repo.findByIds([a.id, b.id, "00000000-0000-4000-8000-000000000000"]);
    expect(found.map((p) => p.name).sort()).toEqual(["A", "B"]);
  });

  it("pages the whole catalog newest first with the same total as count(), page after page", async () => {
    const total = await repo.count();
    const first = await repo.list({}, { page: 1, perPage: 2, offset: 0 });
    const second = await repo.list({}, { page: 2, perPage: 2, offset: 2 });
    expect(first.totalItems).toBe(total);
    expect(second.totalItems).toBe(total);
    const all = await repo.list({}, { page: 1, perPage: 100, offset: 0 });
    expect([...first.items, ...second.items].map((p) => p.id)).toEqual(
      all.items.slice(0, 4).map((p) => p.id),
    );
    const newest = await repo.create(product("Newest"));
    expect((await repo.list({}, { page: 1, perPage: 1, offset: 0 })).items[0]?.id).toBe(newest.id);
  });
});

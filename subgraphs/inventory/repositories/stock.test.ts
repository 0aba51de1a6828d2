import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "../../../test/support/database.ts";
import { createUnitOfWork } from "../../kit/unit-of-work.ts";
import { outbox, reservations } from "../db/schema.ts";
import { inventory } from "../server.ts";
import { createStockRepository, ReservedStockConflict, UnknownProduct } from "./stock.ts";

describe("inventory repository", () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  let repo: ReturnType<typeof createStockRepository>;
  const LOW = 5;

  beforeAll(async () => {
    database = await openTestDatabase(inventory);
    repo = createStockRepository(createUnitOfWork(database.db), LOW);
  });
  afterAll(() => database.dispose());

  const eventsFor = async (key: string) =>
    (await database.db.select().from(outbox)).filter((e) => e.key === key).sort((a, b) => a.seq - b.seq);

  async function stocked(quantity: number): Promise<string> {
    const productId = randomUUID();
    await database.db.transaction((tx) => repo.trackProduct(tx, productId));
    await repo.setStock(productId, quantity);
    return productId;
  }

  it("tracks a product once, starting at zero, and sets its stock with a stock.changed event", async () => {
    const productId = randomUUID();
    await database.db.transaction((tx) => repo.trackProduct(tx, productId));
    await database.db.transaction((tx) => repo.trackProduct(tx, productId));
    const row = await repo.setStock(productId, 12);
    expect(row).toMatchObject({ onHand: 12, reserved: 0 });
    const events = await eventsFor(productId);
    expect(events.map((e) => e.topic)).toEqual(["inventory.stock.changed"]);
    expect(events[0]?.payload).toMatchObject({ productId, quantity: 12, available: 12, reason: "set" });
  });

  it("sets the stock of a tracked product in two statements: the update and its outbox row", async () => {
    const productId = await stocked(10);
    const before = database.queries.count;
    const row = await repo.setStock(productId, 8);
    // Each statement is a round trip on the path from a mutation to its subscribers.
    expect(database.queries.count - before).toBe(2);
    expect(row).toMatchObject({ productId, onHand: 8, reserved: 0 });
    expect((await eventsFor(productId)).at(-1)?.payload).toMatchObject({ quantity: 8, available: 8 });
  });

  it("refuses to set the stock of a product it never heard of, writing nothing", async () => {
    const productId = randomUUID();
    await expect(repo.setStock(productId, 7)).rejects.toMatchObject({ productId, discontinued: false });
    expect(await repo.findByProductIds([productId])).toEqual([]);
    expect(await eventsFor(productId)).toEqual([]);
  });

  it("sets the stock of a product created a moment ago, once catalog's event arrives", async () => {
    const productId = randomUUID();
    const setting = repo.setStockOnceKnown(productId, 7);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await database.db.transaction((tx) => repo.trackProduct(tx, productId));
    expect(await setting).toMatchObject({ productId, onHand: 7, reserved: 0 });
  });

  it("keeps a discontinued product's reservations but refuses new ones and stock changes", async () => {
    const productId = await stocked(5);
    const placedBefore = randomUUID();
    await database.db.transaction((tx) =>
      repo.reserveForOrder(tx, placedBefore, [{ productId, quantity: 2 }]),
    );
    await database.db.transaction((tx) => repo.discontinueProduct(tx, productId));
    await expect(repo.setStock(productId, 9)).rejects.toBeInstanceOf(UnknownProduct);
    await expect(repo.setStockOnceKnown(productId, 9)).rejects.toMatchObject({ discontinued: true });
    const late = await database.db.transaction((tx) =>
      repo.reserveForOrder(tx, randomUUID(), [{ productId, quantity: 1 }]),
    );
    expect(late).toMatchObject({ reserved: false, reason: `Product ${productId} was discontinued.` });
    await database.db.transaction((tx) => repo.commitForOrder(tx, placedBefore));
    expect((await repo.findByProductIds([productId]))[0]).toMatchObject({ onHand: 3, reserved: 0 });
    // A "created" arriving after the discontinuation (another topic) does not bring it back.
    await database.db.transaction((tx) => repo.trackProduct(tx, productId));
    await expect(repo.setStock(productId, 9)).rejects.toBeInstanceOf(UnknownProduct);
  });

  it("records a discontinuation that arrives before the product's created event", async () => {
    const productId = randomUUID();
    await database.db.transaction((tx) => repo.discontinueProduct(tx, productId));
    await database.db.transaction((tx) => repo.trackProduct(tx, productId));
    await expect(repo.setStock(productId, 1)).rejects.toMatchObject({ discontinued: true });
  });

  it("announces low stock once, when available stock crosses the threshold", async () => {
    const productId = await stocked(10);
    await repo.setStock(productId, 4);
    await repo.setStock(productId, 3);
    const topics = (await eventsFor(productId)).map((e) => e.topic);
    expect(topics.filter((t) => t === "inventory.stock.low")).toHaveLength(1);
  });

  it("reserves every line of an order or none of them", async () => {
    const plenty = await stocked(10);
    const scarce = await stocked(1);
    const orderId = randomUUID();
    const outcome = await database.db.transaction((tx) =>
      repo.reserveForOrder(tx, orderId, [
        { productId: plenty, quantity: 2 },
        { productId: scarce, quantity: 2 },
      ]),
    );
    expect(outcome).toMatchObject({ reserved: false, productId: scarce });
    const [p, s] = await repo
      .findByProductIds([plenty, scarce])
      .then((rows) => [plenty, scarce].map((id) => rows.find((r) => r.productId === id)));
    expect(p?.reserved).toBe(0);
    expect(s?.reserved).toBe(0);

    const ok = await database.db.transaction((tx) =>
      repo.reserveForOrder(tx, randomUUID(), [
        { productId: plenty, quantity: 2 },
        { productId: plenty, quantity: 1 },
      ]),
    );
    expect(ok).toEqual({ reserved: true });
    const [after] = await repo.findByProductIds([plenty]);
    expect(after).toMatchObject({ onHand: 10, reserved: 3 });
  });

  it("never oversells under concurrent reservations", async () => {
    const productId = await stocked(10);
    const outcomes = await Promise.all(
      Array.from({ length: 25 }, () =>
        database.db.transaction((tx) => repo.reserveForOrder(tx, randomUUID(), [{ productId, quantity: 1 }])),
      ),
    );
    expect(outcomes.filter((o) => o.reserved)).toHaveLength(10);
    const [row] = await repo.findByProductIds([productId]);
    expect(row).toMatchObject({ onHand: 10, reserved: 10 });
  });

  it("releases a cancelled order's reservation once, and commits a shipped one", async () => {
    const productId = await stocked(5);
    const cancelled = randomUUID();
    const shipped = randomUUID();
    await database.db.transaction((tx) => repo.reserveForOrder(tx, cancelled, [{ productId, quantity: 2 }]));
    await database.db.transaction((tx) => repo.reserveForOrder(tx, shipped, [{ productId, quantity: 1 }]));
    await database.db.transaction((tx) => repo.releaseForOrder(tx, cancelled));
    await database.db.transaction((tx) => repo.releaseForOrder(tx, cancelled));
    await database.db.transaction((tx) => repo.commitForOrder(tx, shipped));
    const [row] = await repo.findByProductIds([productId]);
    expect(row).toMatchObject({ onHand: 4, reserved: 0 });
    const holds = (await database.db.select().from(reservations)).filter((r) => r.productId === productId);
    expect(holds.map((h) => h.status).sort()).toEqual(["COMMITTED", "RELEASED"]);
  });

  it("refuses to set stock below what open orders hold, changing nothing", async () => {
    const productId = await stocked(5);
    await database.db.transaction((tx) =>
      repo.reserveForOrder(tx, randomUUID(), [{ productId, quantity: 3 }]),
    );
    const before = (await eventsFor(productId)).length;
    await expect(repo.setStock(productId, 2)).rejects.toBeInstanceOf(ReservedStockConflict);
    const [row] = await repo.findByProductIds([productId]);
    expect(row).toMatchObject({ onHand: 5, reserved: 3 });
    expect((await eventsFor(productId)).length).toBe(before);
  });
});

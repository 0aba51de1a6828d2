import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase } from "../../../test/support/database.ts";
import { createUnitOfWork } from "../../kit/unit-of-work.ts";
import { outbox } from "../db/schema.ts";
import type { ChargeFunction } from "../payments/processor.ts";
import { orders } from "../server.ts";
import { IllegalTransition } from "../status.ts";
import { createOrdersRepository, type OrdersRepository, type PricedOrder } from "./orders.ts";
import { createProductPricesRepository, type ProductPricesRepository } from "./product-prices.ts";

describe("orders repository", () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  let repo: OrdersRepository;
  let productPrices: ProductPricesRepository;

  beforeAll(async () => {
    database = await openTestDatabase(orders);
    repo = createOrdersRepository(createUnitOfWork(database.db));
    productPrices = createProductPricesRepository(database.db);
  });
  afterAll(() => database.dispose());

  const productA = randomUUID();
  const productB = randomUUID();
  const priced = (quantity = 2): PricedOrder => ({
    lines: [
      { productId: productA, quantity, unitPriceCents: 500, productName: "Kettle" },
      { productId: productB, quantity: 1, unitPriceCents: 250, productName: "Crème filter" },
    ],
    totalCents: quantity * 500 + 250,
    currency: "USD",
  });

  async function eventsOf(orderId: string): Promise<Record<string, unknown>[]> {
    const rows = await database.db.select().from(outbox);
    return rows
      .filter((e) => e.key === orderId)
      .sort((a, b) => a.seq - b.seq)
      .map((e) => ({ topic: e.topic, ...e.payload }));
  }

  const answer = (orderId: string, stock: "reserved" | "rejected") =>
    database.db.transaction((tx) => repo.applyStockAnswer(tx, orderId, stock));

  async function confirmedOrder(customerId = randomUUID()) {
    const order = await repo.place(customerId, priced());
    await answer(order.id, "reserved");
    return order;
  }

  const succeed: ChargeFunction = async () => ({ status: "SUCCEEDED" });
  const decline: ChargeFunction = async () => ({ status: "FAILED", reason: "declined" });

  it("places a PENDING order with its lines, announcing placed and PENDING in the same transaction", async () => {
    const customerId = randomUUID();
    const order = await repo.place(customerId, priced());
    expect(order).toMatchObject({ customerId, status: "PENDING", totalCents: 1250, currency: "USD" });
    const items = await repo.itemsOf([order.id]);
    expect(items.map((i) => [i.productId, i.quantity, i.unitPriceCents, i.productName])).toEqual([
      [productA, 2, 500, "Kettle"],
      [productB, 1, 250, "Crème filter"],
    ]);
    expect(await eventsOf(order.id)).toEqual([
      expect.objectContaining({
        topic: "orders.order.placed",
        orderId: order.id,
        customerId,
        totalCents: 1250,
        currency: "USD",
        lines: [
          { productId: productA, quantity: 2, unitPriceCents: 500 },
          { productId: productB, quantity: 1, unitPriceCents: 250 },
        ],
      }),
      expect.objectContaining({
        topic: "orders.order.status-changed",
        status: "PENDING",
        previousStatus: "",
      }),
    ]);
  });

  it("takes inventory's answer: reserved confirms, rejected rejects, each announced once", async () => {
    const confirmed = await repo.place(randomUUID(), priced());
    const rejected = await repo.place(randomUUID(), priced());
    expect((await answer(confirmed.id, "reserved"))?.status).toBe("CONFIRMED");
    expect((await answer(rejected.id, "rejected"))?.status).toBe("REJECTED");
    // A late or repeated answer changes nothing and announces nothing.
    expect((await answer(rejected.id, "reserved"))?.status).toBe("REJECTED");
    expect((await answer(confirmed.id, "rejected"))?.status).toBe("CONFIRMED");
    const statuses = async (id: string) =>
      (await eventsOf(id)).filter((e) => e.topic === "orders.order.status-changed").map((e) => e.status);
    expect(await statuses(confirmed.id)).toEqual(["PENDING", "CONFIRMED"]);
    expect(await statuses(rejected.id)).toEqual(["PENDING", "REJECTED"]);
    expect(await answer(randomUUID(), "reserved")).toBeNull();
  });

  it("hands back stock reserved for an order cancelled while pending by announcing CANCELLED again", async () => {
    const order = await repo.place(randomUUID(), priced());
    expect((await repo.cancel(order.id))?.status).toBe("CANCELLED");
    expect((await answer(order.id, "reserved"))?.status).toBe("CANCELLED");
    const changes = (await eventsOf(order.id)).filter((e) => e.topic === "orders.order.status-changed");
    expect(changes.map((e) => [e.previousStatus, e.status])).toEqual([
      ["", "PENDING"],
      ["PENDING", "CANCELLED"],
      ["CANCELLED", "CANCELLED"],
    ]);
  });

  it("refuses transitions the state machine forbids, writing and announcing nothing", async () => {
    const order = await confirmedOrder();
    const before = await eventsOf(order.id);
    await expect(repo.ship(order.id)).rejects.toThrow(IllegalTransition);
    await expect(repo.deliver(order.id)).rejects.toThrow("The order is CONFIRMED; it cannot be delivered.");
    expect(await eventsOf(order.id)).toEqual(before);
    expect((await repo.findByIds([order.id]))[0]?.status).toBe("CONFIRMED");
    expect(await repo.ship(randomUUID())).toBeNull();
  });

  it("records a declined payment and keeps the order CONFIRMED, then charges once and refuses paying again", async () => {
    const order = await confirmedOrder();
    expect((await repo.pay(order.id, "tok_chargeDeclined", decline))?.status).toBe("CONFIRMED");
    expect((await repo.latestPaymentsOf([order.id]))[0]).toMatchObject({ status: "FAILED", attempt: 1 });
    expect((await repo.pay(order.id, "tok_visa", succeed))?.status).toBe("PAID");
    const [latest] = await repo.latestPaymentsOf([order.id]);
    expect(latest).toMatchObject({ status: "SUCCEEDED", attempt: 2, amountCents: 1250, method: "tok_visa" });
    await expect(repo.pay(order.id, "tok_visa", succeed)).rejects.toThrow(
      "The order is PAID; it cannot be paid.",
    );
  });

  it("charges exactly once when two payments race for the same order", async () => {
    const order = await confirmedOrder();
    let charges = 0;
    const slow: ChargeFunction = async () => {
      charges++;
      await new Promise((r) => setTimeout(r, 50));
      return { status: "SUCCEEDED" };
    };
    const results = await Promise.allSettled([
      repo.pay(order.id, "tok_visa", slow),
      repo.pay(order.id, "tok_visa", slow),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(results.find((r) => r.status === "rejected")?.reason).toBeInstanceOf(IllegalTransition);
    expect(charges).toBe(1);
    const changes = (await eventsOf(order.id)).filter((e) => e.status === "PAID");
    expect(changes).toHaveLength(1);
  });

  it("refunds the payment when a paid order is cancelled", async () => {
    const order = await confirmedOrder();
    await repo.pay(order.id, "tok_visa", succeed);
    expect((await repo.cancel(order.id))?.status).toBe("CANCELLED");
    expect((await repo.latestPaymentsOf([order.id]))[0]?.status).toBe("REFUNDED");
  });

  it("lists newest first, filtered by customer and status, and loads many customers' orders in one call", async () => {
    const alice = randomUUID();
    const bob = randomUUID();
    const first = await repo.place(alice, priced(1));
    const second = await confirmedOrder(alice);
    const bobs = await repo.place(bob, priced(3));
    const page = { page: 1, perPage: 10, offset: 0 };
    const mine = await repo.list({ customerId: alice }, page);
    expect(mine.totalItems).toBe(2);
    expect(mine.items.map((o) => o.id)).toEqual([second.id, first.id]);
    const pending = await repo.list({ customerId: alice, status: "PENDING" }, page);
    expect(pending.items.map((o) => o.id)).toEqual([first.id]);
    const secondPage = await repo.list({ customerId: alice }, { page: 2, perPage: 1, offset: 1 });
    expect(secondPage.items.map((o) => o.id)).toEqual([first.id]);
    const both = await repo.ordersOfCustomers([alice, bob, randomUUID()]);
    expect(both.map((o) => o.id).sort()).toEqual([first.id, second.id, bobs.id].sort());
  });

  it("keeps the newest price of each product and never revives a deleted one, whatever order events arrive in", async () => {
    const id = randomUUID();
    const gone = randomUUID();
    const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    const facts = (productId: string, priceCents: number) => ({
      productId,
      name: "Tea",
      priceCents,
      currency: "USD",
    });
    await database.db.transaction(async (tx) => {
      await productPrices.remember(tx, facts(id, 300), t(2));
      await productPrices.remember(tx, facts(id, 100), t(1)); // an older "created" arriving late
      await productPrices.forget(tx, gone, t(5)); // deleted before its created arrived
      await productPrices.remember(tx, facts(gone, 100), t(1));
    });
    const prices = await productPrices.pricesFor([id, gone]);
    expect(prices.get(id)).toMatchObject({ priceCents: 300, deleted: false });
    expect(prices.get(gone)?.deleted).toBe(true);
  });
});

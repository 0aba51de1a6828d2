// Orders end to end, the saga: placing, confirming against inventory's stock, paying, cancelling, refunding.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../events/testing/wait.ts";
import { expectData, graphql } from "../support/graphql.ts";
import { act, codeOf, ORDER_SUBGRAPHS, type OrderView, orderSteps, PAY, PLACE } from "../support/orders.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const admin = tokenFor(["ADMIN"]);
const alice = tokenFor(["CUSTOMER"]);
const bob = tokenFor(["CUSTOMER"]);

describe("orders through the gateway: the saga with inventory and payments", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ORDER_SUBGRAPHS });
  });
  afterAll(() => stack?.stop());

  const { stockedProduct, stockOf, place, knownToOrders, readOrder, settled, run } = orderSteps(
    () => stack.url,
    admin.token,
  );

  it("runs the shopping flow: place, confirm through the saga, decline, pay, ship, deliver, joined across three subgraphs", async () => {
    const product = await stockedProduct(5, 1500);
    const placed = await place(alice.token, [{ productId: product, quantity: 2 }]);
    expect(placed).toMatchObject({ status: "PENDING", totalCents: 3000, currency: "USD", payment: null });
    expect(placed.customer.id).toBe(alice.id);
    await settled(placed.id, "CONFIRMED");
    expect(await stockOf(product)).toBe(3);

    const declined = await expectData<{ payOrder: OrderView }>(
      stack.url,
      PAY,
      { id: placed.id, method: "tok_chargeDeclined" },
      alice.token,
    );
    expect(declined.payOrder).toMatchObject({ status: "CONFIRMED", payment: { status: "FAILED" } });
    const paid = await expectData<{ payOrder: OrderView }>(
      stack.url,
      PAY,
      { id: placed.id, method: "tok_visa" },
      alice.token,
    );
    expect(paid.payOrder).toMatchObject({
      status: "PAID",
      payment: { status: "SUCCEEDED", amountCents: 3000, method: "tok_visa" },
    });
    const again = await graphql(stack.url, PAY, { id: placed.id, method: "tok_visa" }, alice.token);
    expect(codeOf(again)).toBe("CONFLICT");

    expect(codeOf(await graphql(stack.url, act("shipOrder"), { id: placed.id }, alice.token))).toBe(
      "FORBIDDEN",
    );
    expect((await run("shipOrder", placed.id)).status).toBe("SHIPPED");
    expect((await run("deliverOrder", placed.id)).status).toBe("DELIVERED");

    const joined = await expectData<{ order: unknown }>(
      stack.url,
      `query($id: ID!) { order(id: $id) { status customer { id } items { quantity unitPriceCents product { id name stock } } } }`,
      { id: placed.id },
      alice.token,
    );
    expect(joined.order).toEqual({
      status: "DELIVERED",
      customer: { id: alice.id },
      items: [
        { quantity: 2, unitPriceCents: 1500, product: { id: product, name: expect.any(String), stock: 3 } },
      ],
    });
  });

  it("rejects an order inventory cannot fill, leaving the stock as it was", async () => {
    const product = await stockedProduct(1);
    const order = await place(alice.token, [{ productId: product, quantity: 2 }]);
    await settled(order.id, "REJECTED");
    expect(await stockOf(product)).toBe(1);
    expect(codeOf(await graphql(stack.url, PAY, { id: order.id, method: "tok_visa" }, alice.token))).toBe(
      "CONFLICT",
    );
  });

  it("releases the stock of a cancelled CONFIRMED order", async () => {
    const product = await stockedProduct(4);
    const order = await place(alice.token, [{ productId: product, quantity: 3 }]);
    await settled(order.id, "CONFIRMED");
    expect(await stockOf(product)).toBe(1);
    expect((await run("cancelOrder", order.id, alice.token)).status).toBe("CANCELLED");
    await eventually(async () => (await stockOf(product)) === 4);
  });

  it("refunds a cancelled PAID order and releases its stock", async () => {
    const product = await stockedProduct(2, 999);
    const order = await place(bob.token, [{ productId: product, quantity: 2 }]);
    await settled(order.id, "CONFIRMED");
    await expectData(stack.url, PAY, { id: order.id, method: "tok_mastercard" }, bob.token);
    const cancelled = await run("cancelOrder", order.id, bob.token);
    expect(cancelled).toMatchObject({
      status: "CANCELLED",
      payment: { status: "REFUNDED", amountCents: 1998 },
    });
    const byStatus = async (status: string) =>
      (
        await expectData<{ myOrders: { items: { id: string }[] } }>(
          stack.url,
          `query($s: OrderStatus) { myOrders(status: $s, perPage: 100) { items { id } } }`,
          { s: status },
          bob.token,
        )
      ).myOrders.items.map((o) => o.id);
    expect(await byStatus("CANCELLED")).toContain(order.id);
    expect(await byStatus("PAID")).not.toContain(order.id);
    await eventually(async () => (await stockOf(product)) === 2);
  });

  it("charges once when the customer pays twice at the same moment", async () => {
    const product = await stockedProduct(2);
    const order = await place(alice.token, [{ productId: product, quantity: 1 }]);
    await settled(order.id, "CONFIRMED");
    const both = await Promise.all(
      ["tok_visa", "tok_mastercard"].map((method) =>
        graphql(stack.url, PAY, { id: order.id, method }, alice.token),
      ),
    );
    expect(both.map((r) => codeOf(r) ?? "OK").sort()).toEqual(["CONFLICT", "OK"]);
    expect((await readOrder(order.id)).payment?.status).toBe("SUCCEEDED");
  });

  it("gives the stock back when an order is cancelled straight after placing, before or after the reservation", async () => {
    const product = await stockedProduct(3);
    await knownToOrders(product);
    const orders = await Promise.all(
      [1, 2].map(() => place(alice.token, [{ productId: product, quantity: 1 }])),
    );
    for (const order of orders) await run("cancelOrder", order.id, alice.token);
    for (const order of orders) expect((await readOrder(order.id)).status).toBe("CANCELLED");
    await eventually(async () => (await stockOf(product)) === 3);
    // Still 3 a moment later: no late reservation kept any unit.
    await new Promise((r) => setTimeout(r, 500));
    expect(await stockOf(product)).toBe(3);
  });

  it("prices from catalog's latest price, keeps placed orders' prices, and stops selling deleted products", async () => {
    const product = await stockedProduct(10, 1000);
    const before = await place(alice.token, [{ productId: product, quantity: 1 }]);
    await expectData(
      stack.url,
      `mutation($id: ID!) { updateProduct(id: $id, input: { priceCents: 1200 }) { id } }`,
      { id: product },
      admin.token,
    );
    const after = await eventually(async () => {
      const order = await place(alice.token, [{ productId: product, quantity: 1 }]);
      return order.totalCents === 1200 ? order : undefined;
    });
    expect(after.totalCents).toBe(1200);
    expect((await readOrder(before.id)).totalCents).toBe(1000);
    await expectData(
      stack.url,
      `mutation($id: ID!) { deleteProduct(id: $id) }`,
      { id: product },
      admin.token,
    );
    await eventually(async () => {
      const r = await graphql(
        stack.url,
        PLACE,
        { input: { items: [{ productId: product, quantity: 1 }] } },
        alice.token,
      );
      return r.errors?.[0]?.extensions?.field === "input.items[0].productId";
    });
  });

  it("answers illegal transitions with CONFLICT naming the current status", async () => {
    const product = await stockedProduct(3);
    const order = await place(alice.token, [{ productId: product, quantity: 1 }]);
    await settled(order.id, "CONFIRMED");
    const ship = await graphql(stack.url, act("shipOrder"), { id: order.id }, admin.token);
    expect(ship.errors?.[0]).toMatchObject({
      extensions: { code: "CONFLICT" },
      message: expect.stringContaining("CONFIRMED"),
    });
    expect(codeOf(await graphql(stack.url, act("deliverOrder"), { id: order.id }, admin.token))).toBe(
      "CONFLICT",
    );
    await run("cancelOrder", order.id, alice.token);
    const twice = await graphql(stack.url, act("cancelOrder"), { id: order.id }, alice.token);
    expect(twice.errors?.[0]?.message).toContain("CANCELLED");
    expect((await readOrder(order.id)).status).toBe("CANCELLED");
  });

  it("confirms exactly as many concurrent orders as there is stock, never overselling", async () => {
    const product = await stockedProduct(10);
    await knownToOrders(product);
    const placed = await Promise.all(
      Array.from({ length: 50 }, () =>
        place(tokenFor(["CUSTOMER"]).token, [{ productId: product, quantity: 1 }]),
      ),
    );
    const ids = new Set(placed.map((o) => o.id));
    expect(ids.size).toBe(50);
    const samples: number[] = [];
    const statuses = await eventually(
      async () => {
        samples.push(await stockOf(product));
        const all = await expectData<{ orders: { items: { id: string; status: string }[] } }>(
          stack.url,
          `{ orders(perPage: 100) { items { id status } } }`,
          {},
          admin.token,
        );
        const ours = all.orders.items.filter((o) => ids.has(o.id));
        return ours.length === 50 && ours.every((o) => o.status !== "PENDING") ? ours : undefined;
      },
      60_000,
      250,
    );
    expect(statuses.filter((o) => o.status === "CONFIRMED")).toHaveLength(10);
    expect(statuses.filter((o) => o.status === "REJECTED")).toHaveLength(40);
    expect(await stockOf(product)).toBe(0);
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
  }, 120_000);
});

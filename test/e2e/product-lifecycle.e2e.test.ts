// A product's life end to end: ordered, paid, shipped, then deleted by an admin. Deleting discontinues it:
// customers keep their order history (with the name and price they paid), nobody can list, find or order it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../events/testing/wait.ts";
import { expectData, graphql } from "../support/graphql.ts";
import { codeOf, ORDER_SUBGRAPHS, type OrderView, orderSteps, PAY, PLACE } from "../support/orders.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const admin = tokenFor(["ADMIN"]);
const alice = tokenFor(["CUSTOMER"]);

const HISTORY_LINE = `quantity unitPriceCents productName product { id name priceCents discontinued stock }`;
const MY_ORDERS = `{ myOrders { items { id status items { ${HISTORY_LINE} } } } }`;
const ORDER = `query($id: ID!) { order(id: $id) { id status totalCents items { ${HISTORY_LINE} } } }`;

describe("product lifecycle through the gateway", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ORDER_SUBGRAPHS });
  });
  afterAll(() => stack?.stop());

  const { stockedProduct, place, settled, run, stockOf } = orderSteps(() => stack.url, admin.token);
  const asAdmin = <T>(query: string, variables: Record<string, unknown> = {}) =>
    expectData<T>(stack.url, query, variables, admin.token);

  it("keeps a shipped order's history after its product is deleted, and takes the product off sale", async () => {
    const productId = await stockedProduct(5, 1500);
    const { product } = await asAdmin<{ product: { name: string } }>(
      `query($id: ID!) { product(id: $id) { name } }`,
      { id: productId },
    );
    const shipped = await place(alice.token, [{ productId, quantity: 2 }]);
    await settled(shipped.id, "CONFIRMED");
    await expectData(stack.url, PAY, { id: shipped.id, method: "tok_visa" }, alice.token);
    expect((await run("shipOrder", shipped.id)).status).toBe("SHIPPED");
    // An open order holds a reservation when the product goes: it still ships.
    const open = await place(alice.token, [{ productId, quantity: 1 }]);
    await settled(open.id, "CONFIRMED");

    // A later rename and price change never reach the lines already placed.
    await asAdmin(
      `mutation($id: ID!) { updateProduct(id: $id, input: { name: "Renamed", priceCents: 9900 }) { id } }`,
      {
        id: productId,
      },
    );
    expect(await asAdmin(`mutation($id: ID!) { deleteProduct(id: $id) }`, { id: productId })).toEqual({
      deleteProduct: true,
    });

    const line = {
      quantity: 2,
      unitPriceCents: 1500,
      productName: product.name,
      // Inventory hears of the discontinuation through an event; the stock is checked once it has.
      product: {
        id: productId,
        name: "Renamed",
        priceCents: 9900,
        discontinued: true,
        stock: expect.any(Number),
      },
    };
    const mine = await graphql<{ myOrders: { items: { id: string; items: unknown[] }[] } }>(
      stack.url,
      MY_ORDERS,
      {},
      alice.token,
    );
    expect(mine.errors).toBeUndefined();
    expect(mine.data?.myOrders.items.find((o) => o.id === shipped.id)?.items).toEqual([line]);
    const one = await graphql<{ order: { totalCents: number; items: unknown[] } }>(
      stack.url,
      ORDER,
      { id: shipped.id },
      alice.token,
    );
    expect(one.errors).toBeUndefined();
    expect(one.data?.order).toMatchObject({ status: "SHIPPED", totalCents: 3000, items: [line] });

    // Off sale: not listed, not found by search, not orderable, its stock frozen.
    const listed = await asAdmin<{ products: { items: { id: string }[] } }>(
      `{ products(perPage: 100) { items { id } } }`,
    );
    expect(listed.products.items.map((p) => p.id)).not.toContain(productId);
    const searched = await asAdmin<{ products: { items: { id: string }[] } }>(
      `query($q: String!) { products(search: $q) { items { id } } }`,
      { q: "Renamed" },
    );
    expect(searched.products.items.map((p) => p.id)).not.toContain(productId);
    const refusal = await eventually(async () => {
      const r = await graphql(
        stack.url,
        PLACE,
        { input: { items: [{ productId, quantity: 1 }] } },
        alice.token,
      );
      return r.errors?.[0]?.message.includes("discontinued") ? r : undefined;
    });
    expect(refusal.errors?.[0]).toMatchObject({
      message: "Renamed was discontinued and can no longer be ordered.",
      extensions: { code: "BAD_USER_INPUT", field: "input.items[0].productId" },
    });
    const restock = await eventually(async () => {
      const r = await graphql(
        stack.url,
        `mutation($id: ID!) { setStock(productId: $id, quantity: 50) { stock } }`,
        { id: productId },
        admin.token,
      );
      return codeOf(r) === "NOT_FOUND" ? r : undefined;
    });
    expect(restock.data).toBeNull();
    expect(await stockOf(productId)).toBe(0);

    // The open order still ships from its reservation; the units leave the shelf.
    await expectData(stack.url, PAY, { id: open.id, method: "tok_visa" }, alice.token);
    expect((await run("shipOrder", open.id)).status).toBe("SHIPPED");
    await eventually(async () => {
      const { product: after } = await asAdmin<{ product: { onHand: number; reserved: number } }>(
        `query($id: ID!) { product(id: $id) { onHand reserved } }`,
        { id: productId },
      );
      return after.onHand === 2 && after.reserved === 0 ? true : undefined;
    });

    // Deleting or updating it again finds nothing on sale.
    for (const mutation of [
      `mutation($id: ID!) { deleteProduct(id: $id) }`,
      `mutation($id: ID!) { updateProduct(id: $id, input: { name: "Back" }) { id } }`,
    ]) {
      expect(codeOf(await graphql(stack.url, mutation, { id: productId }, admin.token))).toBe("NOT_FOUND");
    }
  });

  it("releases an open order's reservation when it is cancelled after the product was deleted", async () => {
    const productId = await stockedProduct(3, 700);
    const order: OrderView = await place(alice.token, [{ productId, quantity: 2 }]);
    await settled(order.id, "CONFIRMED");
    await asAdmin(`mutation($id: ID!) { deleteProduct(id: $id) }`, { id: productId });
    expect((await run("cancelOrder", order.id, alice.token)).status).toBe("CANCELLED");
    await eventually(async () => {
      const { product } = await asAdmin<{ product: { onHand: number; reserved: number; stock: number } }>(
        `query($id: ID!) { product(id: $id) { onHand reserved stock } }`,
        { id: productId },
      );
      return product.onHand === 3 && product.reserved === 0 && product.stock === 0 ? true : undefined;
    });
    const { order: read } = await expectData<{ order: { items: { productName: string }[] } }>(
      stack.url,
      ORDER,
      { id: order.id },
      alice.token,
    );
    expect(read.items[0]?.productName).toMatch(/^Beans /);
  });

  it("says what stock means: available to everyone, on hand and reserved to admins", async () => {
    const productId = await stockedProduct(8, 500);
    const order = await place(alice.token, [{ productId, quantity: 4 }]);
    await settled(order.id, "CONFIRMED");
    const STOCK = `{ stock available inStock onHand reserved }`;
    const set = await asAdmin<{ setStock: unknown }>(
      `mutation($id: ID!) { setStock(productId: $id, quantity: 8) ${STOCK} }`,
      { id: productId },
    );
    expect(set.setStock).toEqual({ stock: 4, available: 4, inStock: true, onHand: 8, reserved: 4 });
    const customer = await graphql<{ product: Record<string, unknown> }>(
      stack.url,
      `query($id: ID!) { product(id: $id) ${STOCK} }`,
      { id: productId },
      alice.token,
    );
    expect(customer.data?.product).toEqual({
      stock: 4,
      available: 4,
      inStock: true,
      onHand: null,
      reserved: null,
    });
    expect(customer.errors?.map((e) => [e.path?.join("."), e.extensions?.code]).sort()).toEqual([
      ["product.onHand", "FORBIDDEN"],
      ["product.reserved", "FORBIDDEN"],
    ]);
  });
});

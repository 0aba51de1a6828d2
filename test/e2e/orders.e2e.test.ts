import { existsSync } from "node:fs";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { eventually, expectData, graphql } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const admin = tokenFor(["ADMIN"]);
const alice = tokenFor(["CUSTOMER"]);
const bob = tokenFor(["CUSTOMER"]);

// accounts joins the stack once it exists, so User.orders can also be read through user(id:).
const withAccounts = existsSync(new URL("../../subgraphs/accounts/server.ts", import.meta.url));

const ORDER_FIELDS = `id status totalCents currency customer { id } payment { status amountCents method }`;
const PLACE = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { ${ORDER_FIELDS} } }`;
const ORDER = `query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;
const PAY = `mutation($id: ID!, $method: String!) { payOrder(orderId: $id, method: $method) { ${ORDER_FIELDS} } }`;
const act = (name: "cancelOrder" | "shipOrder" | "deliverOrder") =>
  `mutation($id: ID!) { ${name}(orderId: $id) { ${ORDER_FIELDS} } }`;
const STOCK = `query($id: ID!) { product(id: $id) { stock } }`;

interface OrderView {
  id: string;
  status: string;
  totalCents: number;
  currency: string;
  customer: { id: string };
  payment: { status: string; amountCents: number; method: string } | null;
}

describe("orders through the gateway: the saga with inventory, payments, visibility", () => {
  let stack: Stack;
  beforeAll(async () => {
    const subgraphs = [
      "catalog",
      "inventory",
      "orders",
      ...(withAccounts ? (["accounts"] as const) : []),
    ] as const;
    stack = await startStack({ subgraphs });
  });
  afterAll(() => stack?.stop());

  /** A product with stock, once catalog's event reached inventory and orders. */
  async function stockedProduct(stock: number, priceCents = 1500, currency = "USD"): Promise<string> {
    const created = await expectData<{ createProduct: { id: string } }>(
      stack.url,
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
      { input: { name: `Beans ${Math.random()}`, category: "coffee", priceCents, currency } },
      admin.token,
    );
    const id = created.createProduct.id;
    await eventually(
      async () =>
        (
          await graphql(
            stack.url,
            `mutation($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { id } }`,
            { id, q: stock },
            admin.token,
          )
        ).data,
    );
    return id;
  }

  const stockOf = async (id: string) =>
    (await expectData<{ product: { stock: number } }>(stack.url, STOCK, { id })).product.stock;

  /** Places an order, retrying only while orders has not yet heard of the product from catalog. */
  async function place(token: string, items: { productId: string; quantity: number }[]): Promise<OrderView> {
    return eventually(async () => {
      const r = await graphql<{ placeOrder: OrderView }>(stack.url, PLACE, { input: { items } }, token);
      if (r.errors?.[0]?.message.includes("is not for sale")) return undefined;
      if (!r.data) throw new Error(JSON.stringify(r.errors));
      return r.data.placeOrder;
    });
  }

  /**
   * Until orders has catalog's price, the product is "not for sale". The probe's second line is unknown, so it
   * is refused either way and writes nothing; which line it names tells whether the first was priced.
   */
  const knownToOrders = (productId: string) =>
    eventually(async () => {
      const items = [
        { productId, quantity: 1 },
        { productId: crypto.randomUUID(), quantity: 1 },
      ];
      const r = await graphql(stack.url, PLACE, { input: { items } }, admin.token);
      return r.errors?.[0]?.extensions?.field === "input.items[1].productId";
    });

  const readOrder = async (id: string, token = admin.token) =>
    (await expectData<{ order: OrderView }>(stack.url, ORDER, { id }, token)).order;

  const settled = (id: string, status: string) =>
    eventually(async () => ((await readOrder(id)).status === status ? true : undefined));

  const run = async (name: "cancelOrder" | "shipOrder" | "deliverOrder", id: string, token = admin.token) =>
    (await expectData<Record<string, OrderView>>(stack.url, act(name), { id }, token))[name]!;

  const codeOf = (r: { errors?: { extensions?: { code?: string } }[] }) => r.errors?.[0]?.extensions?.code;

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

  it("validates placeOrder and payOrder input, naming the field and writing nothing", async () => {
    const product = await stockedProduct(10);
    const euro = await stockedProduct(10, 500, "EUR");
    await place(alice.token, [{ productId: euro, quantity: 1 }]); // both copies known from here on
    await place(alice.token, [{ productId: product, quantity: 1 }]);
    const count = async () =>
      (
        await expectData<{ myOrders: { pageInfo: { totalItems: number } } }>(
          stack.url,
          `{ myOrders { pageInfo { totalItems } } }`,
          {},
          alice.token,
        )
      ).myOrders.pageInfo.totalItems;
    const before = await count();
    const refused = async (items: unknown[], token: string | null = alice.token) =>
      (await graphql(stack.url, PLACE, { input: { items } }, token ?? undefined)).errors?.[0]?.extensions;
    const ok = { productId: product, quantity: 1 };
    expect(await refused([ok], null)).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await refused([])).toMatchObject({ code: "BAD_USER_INPUT", field: "input.items" });
    expect(await refused([ok, { productId: crypto.randomUUID(), quantity: 1 }])).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "input.items[1].productId",
    });
    expect(await refused([{ ...ok, quantity: 0 }])).toMatchObject({ field: "input.items[0].quantity" });
    expect(await refused([{ ...ok, quantity: 1001 }])).toMatchObject({ field: "input.items[0].quantity" });
    expect(await refused([ok, { productId: euro, quantity: 1 }])).toMatchObject({
      field: "input.items[1].productId",
    });
    expect(await count()).toBe(before);

    const [mine] = (
      await expectData<{ myOrders: { items: { id: string }[] } }>(
        stack.url,
        `{ myOrders { items { id } } }`,
        {},
        alice.token,
      )
    ).myOrders.items;
    const badMethod = await graphql(stack.url, PAY, { id: mine!.id, method: "tok_amex" }, alice.token);
    expect(badMethod.errors?.[0]).toMatchObject({
      extensions: { code: "BAD_USER_INPUT", field: "method" },
      message: expect.stringContaining("tok_visa"),
    });
    expect(codeOf(await graphql(stack.url, act("cancelOrder"), { id: "not-a-uuid" }, alice.token))).toBe(
      "BAD_USER_INPUT",
    );
    expect(
      codeOf(await graphql(stack.url, act("cancelOrder"), { id: crypto.randomUUID() }, alice.token)),
    ).toBe("NOT_FOUND");
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

  it("shows an order to its customer and admins only", async () => {
    const product = await stockedProduct(5);
    const order = await place(alice.token, [{ productId: product, quantity: 1 }]);
    await place(bob.token, [{ productId: product, quantity: 1 }]);
    expect(codeOf(await graphql(stack.url, ORDER, { id: order.id }))).toBe("UNAUTHENTICATED");
    expect(codeOf(await graphql(stack.url, ORDER, { id: order.id }, bob.token))).toBe("FORBIDDEN");
    expect((await readOrder(order.id, alice.token)).id).toBe(order.id);
    expect((await readOrder(order.id, admin.token)).id).toBe(order.id);
    for (const id of [crypto.randomUUID(), "nope"]) {
      expect((await expectData<{ order: unknown }>(stack.url, ORDER, { id }, alice.token)).order).toBeNull();
    }
    const bobs = await expectData<{ myOrders: { items: { customer: { id: string } }[] } }>(
      stack.url,
      `{ myOrders(perPage: 100) { items { customer { id } } } }`,
      {},
      bob.token,
    );
    expect(bobs.myOrders.items.length).toBeGreaterThan(0);
    expect(bobs.myOrders.items.every((o) => o.customer.id === bob.id)).toBe(true);
    expect(codeOf(await graphql(stack.url, `{ orders { items { id } } }`, {}, bob.token))).toBe("FORBIDDEN");
    expect(codeOf(await graphql(stack.url, act("cancelOrder"), { id: order.id }, bob.token))).toBe(
      "FORBIDDEN",
    );
    expect((await readOrder(order.id)).status).not.toBe("CANCELLED");
  });

  it("resolves many users' orders and many order references in one query each, with the same visibility", async () => {
    const product = await stockedProduct(5);
    const carol = tokenFor(["CUSTOMER"]);
    const dan = tokenFor(["CUSTOMER"]);
    const order = await place(carol.token, [{ productId: product, quantity: 1 }]);
    const dans = await place(dan.token, [{ productId: product, quantity: 1 }]);
    const orders = stack.subgraphs.get("orders")!;
    const spy = vi.spyOn(orders.repo, "ordersOfCustomers");
    // What the gateway sends when a query reaches User.orders for several users at once.
    const entities = `query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id orders { id } } ... on Order { id } } }`;
    const users = [carol.id, dan.id, bob.id].map((id) => ({ __typename: "User", id }));
    const asAdmin = await expectData<{ _entities: { id: string; orders: { id: string }[] }[] }>(
      orders.url,
      entities,
      { r: users },
      admin.token,
    );
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    expect(asAdmin._entities[0]?.orders).toEqual([{ id: order.id }]);
    expect(asAdmin._entities[1]?.orders).toEqual([{ id: dans.id }]);
    const asCarol = await graphql<{ _entities: unknown[] }>(orders.url, entities, { r: users }, carol.token);
    expect(asCarol.errors?.map((e) => [e.path?.[1], e.extensions?.code])).toEqual([
      [1, "FORBIDDEN"],
      [2, "FORBIDDEN"],
    ]);
    const refs = await expectData<{ _entities: unknown[] }>(
      orders.url,
      entities,
      { r: [order.id, crypto.randomUUID()].map((id) => ({ __typename: "Order", id })) },
      bob.token,
    );
    expect(refs._entities).toEqual([null, null]);
    const own = await expectData<{ _entities: unknown[] }>(
      orders.url,
      entities,
      { r: [order.id, crypto.randomUUID()].map((id) => ({ __typename: "Order", id })) },
      carol.token,
    );
    expect(own._entities).toEqual([{ id: order.id }, null]);

    if (withAccounts) {
      const registered = await expectData<{ register: { token: string; user: { id: string } } }>(
        stack.url,
        `mutation($input: RegisterInput!) { register(input: $input) { token user { id } } }`,
        {
          input: { email: `dave-${Date.now()}@example.com`, password: "correct horse battery", name: "Dave" },
        },
      );
      const dave = registered.register;
      const mine = await place(dave.token, [{ productId: product, quantity: 1 }]);
      const USER = `query($id: ID!) { user(id: $id) { orders { id status } } }`;
      const own = await expectData<{ user: { orders: { id: string }[] } }>(
        stack.url,
        USER,
        { id: dave.user.id },
        dave.token,
      );
      expect(own.user.orders.map((o) => o.id)).toEqual([mine.id]);
      expect(codeOf(await graphql(stack.url, USER, { id: dave.user.id }, alice.token))).toBe("FORBIDDEN");
    }
  });

  it("delivers orderStatusChanged over graphql-ws to the order's customer only", async () => {
    const product = await stockedProduct(5);
    // Fresh customers: no event of an order from another test can belong to them.
    const erin = tokenFor(["CUSTOMER"]);
    const frank = tokenFor(["CUSTOMER"]);
    const received = { erin: [] as OrderView[], frank: [] as OrderView[] };
    const clients = (["erin", "frank"] as const).map((who) => {
      const client = createClient({
        url: stack.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: { authorization: `Bearer ${(who === "erin" ? erin : frank).token}` },
      });
      client.subscribe<{ orderStatusChanged: OrderView }>(
        { query: `subscription { orderStatusChanged { id status customer { id } } }` },
        {
          next: (message) => {
            if (message.data) received[who].push(message.data.orderStatusChanged);
          },
          error: (error) => received[who].push({ id: "error", status: JSON.stringify(error) } as OrderView),
          complete: () => {},
        },
      );
      return client;
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const erins = await place(erin.token, [{ productId: product, quantity: 1 }]);
      await settled(erins.id, "CONFIRMED");
      await run("cancelOrder", erins.id, erin.token);
      await eventually(async () => received.erin.some((o) => o.status === "CANCELLED"));
      const franks = await place(frank.token, [{ productId: product, quantity: 1 }]);
      await eventually(async () => received.frank.length > 0);
      // PENDING, CONFIRMED, CANCELLED; each resolved through order(id:) when delivered, so statuses may repeat.
      expect(received.erin.length).toBeGreaterThanOrEqual(3);
      expect(new Set(received.erin.map((o) => `${o.id} ${o.customer?.id}`))).toEqual(
        new Set([`${erins.id} ${erin.id}`]),
      );
      expect(new Set(received.frank.map((o) => o.id))).toEqual(new Set([franks.id]));
    } finally {
      for (const client of clients) await client.dispose();
    }
  });
});

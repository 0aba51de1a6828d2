// Orders end to end, around the saga: input validation, who sees which order, batched lookups, live status.
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import WebSocket from "ws";
import { eventually } from "../../events/testing/wait.ts";
import { expectData, graphql } from "../support/graphql.ts";
import {
  act,
  codeOf,
  ORDER,
  ORDER_SUBGRAPHS,
  type OrderView,
  orderSteps,
  PAY,
  PLACE,
  withAccounts,
} from "../support/orders.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const admin = tokenFor(["ADMIN"]);
const alice = tokenFor(["CUSTOMER"]);
const bob = tokenFor(["CUSTOMER"]);

describe("orders through the gateway: input, visibility, batching, live status", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ORDER_SUBGRAPHS });
  });
  afterAll(() => stack?.stop());

  const { stockedProduct, place, readOrder, settled, run } = orderSteps(() => stack.url, admin.token);

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
    const spy = vi.spyOn(orders.repo.orders, "ordersOfCustomers");
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

import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { eventually } from "../../events/testing/wait.ts";
import { expectData, graphql } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const admin = tokenFor(["ADMIN"]);
const customer = tokenFor(["CUSTOMER"]);

const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { id name priceCents currency category } }`;
const SET_STOCK = `mutation($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { id name stock inStock } }`;

describe("the platform on catalog + inventory, through the gateway", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ["catalog", "inventory"] });
  });
  afterAll(() => stack?.stop());

  async function createProduct(name: string, category = "coffee", priceCents = 1500) {
    const data = await expectData<{ createProduct: { id: string } }>(
      stack.url,
      CREATE,
      { input: { name, category, priceCents, description: `${name}, freshly roasted` } },
      admin.token,
    );
    return data.createProduct.id;
  }

  it("creates, reads, updates and deletes products as an admin", async () => {
    const id = await createProduct("Ethiopia Yirgacheffe");
    const read = await expectData<{ product: { name: string; priceCents: number } }>(
      stack.url,
      `query($id: ID!) { product(id: $id) { name priceCents } }`,
      { id },
    );
    expect(read.product).toEqual({ name: "Ethiopia Yirgacheffe", priceCents: 1500 });
    const updated = await expectData<{ updateProduct: { priceCents: number } }>(
      stack.url,
      `mutation($id: ID!) { updateProduct(id: $id, input: { priceCents: 1700 }) { priceCents } }`,
      { id },
      admin.token,
    );
    expect(updated.updateProduct.priceCents).toBe(1700);
    await expectData(stack.url, `mutation($id: ID!) { deleteProduct(id: $id) }`, { id }, admin.token);
    // Deleting discontinues: still readable by id (orders name it), no longer listed.
    const gone = await expectData<{ product: unknown; products: { items: { id: string }[] } }>(
      stack.url,
      `query($id: ID!) { product(id: $id) { id discontinued } products(perPage: 100) { items { id } } }`,
      { id },
    );
    expect(gone.product).toEqual({ id, discontinued: true });
    expect(gone.products.items.map((p) => p.id)).not.toContain(id);
  });

  it("refuses product changes from customers and anonymous callers, and bad input, writing nothing", async () => {
    const input = { name: "Nope", category: "coffee", priceCents: 100 };
    const asCustomer = await graphql(stack.url, CREATE, { input }, customer.token);
    expect(asCustomer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const anonymous = await graphql(stack.url, CREATE, { input });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const negative = await graphql(stack.url, CREATE, { input: { ...input, priceCents: -1 } }, admin.token);
    expect(negative.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "priceCents" });
    const list = await expectData<{ products: { items: { name: string }[] } }>(
      stack.url,
      `{ products(search: "Nope") { items { name } } }`,
    );
    expect(list.products.items).toEqual([]);
  });

  it("pages products with totals and filters by category", async () => {
    for (const name of ["Tea A", "Tea B", "Tea C"]) await createProduct(name, "tea");
    const page = await expectData<{
      products: { items: { name: string }[]; pageInfo: Record<string, unknown> };
    }>(
      stack.url,
      `{ products(category: "tea", page: 2, perPage: 2) { items { name } pageInfo { page perPage totalItems totalPages hasNext } } }`,
    );
    expect(page.products.items).toEqual([{ name: "Tea A" }]);
    expect(page.products.pageInfo).toEqual({
      page: 2,
      perPage: 2,
      totalItems: 3,
      totalPages: 2,
      hasNext: false,
    });
    const tooMany = await graphql(stack.url, `{ products(perPage: 1000) { items { id } } }`);
    expect(tooMany.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("joins catalog and inventory: a new product gets a stock row from catalog's event", async () => {
    const id = await createProduct("Kenya AA");
    const stocked = await eventually(async () => {
      const r = await graphql<{ setStock: { stock: number; name: string; inStock: boolean } }>(
        stack.url,
        SET_STOCK,
        { id, q: 12 },
        admin.token,
      );
      return r.data?.setStock;
    });
    expect(stocked).toEqual({ id, name: "Kenya AA", stock: 12, inStock: true });
    const joined = await expectData<{ products: { items: { name: string; stock: number }[] } }>(
      stack.url,
      `{ products(search: "Kenya") { items { name stock inStock } } }`,
    );
    expect(joined.products.items).toEqual([{ name: "Kenya AA", stock: 12, inStock: true }]);
  });

  it("delivers stockChanged over graphql-ws with catalog's fields resolved through the query plan", async () => {
    const id = await createProduct("Colombia Huila", "coffee", 1800);
    const other = await createProduct("Brazil Santos", "coffee", 1100);
    const client = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    const received: unknown[] = [];
    const arrivals: (() => void)[] = [];
    const arrived = (count: number) =>
      new Promise<void>((resolve) => {
        arrivals.push(() => received.length >= count && resolve());
      });
    client.subscribe(
      {
        query: `subscription($id: ID) { stockChanged(productId: $id) { id name priceCents stock } }`,
        variables: { id },
      },
      {
        next: (message) => {
          received.push(message.data);
          for (const check of arrivals) check();
        },
        error: (error) => received.push({ error }),
        complete: () => {},
      },
    );
    // Give the subscription a moment to register before the events it waits for are produced.
    await new Promise((r) => setTimeout(r, 300));
    // Fields are resolved when the event is delivered, so each change is awaited before the next.
    const first = arrived(1);
    await eventually(
      async () => (await graphql(stack.url, SET_STOCK, { id: other, q: 1 }, admin.token)).data?.setStock,
    );
    await eventually(
      async () => (await graphql(stack.url, SET_STOCK, { id, q: 7 }, admin.token)).data?.setStock,
    );
    await first;
    const second = arrived(2);
    await expectData(stack.url, SET_STOCK, { id, q: 3 }, admin.token);
    await second;
    client.dispose();
    expect(received).toEqual([
      { stockChanged: { id, name: "Colombia Huila", priceCents: 1800, stock: 7 } },
      { stockChanged: { id, name: "Colombia Huila", priceCents: 1800, stock: 3 } },
    ]);
  });
});

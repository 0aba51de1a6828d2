// N+1 guard: a page of 50 orders joined across four subgraphs costs a handful of queries per subgraph.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../events/testing/wait.ts";
import type { SubgraphName } from "../../platform/topology.ts";
import { expectData, graphql } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const admin = tokenFor(["ADMIN"]);
const JOINED = ["accounts", "catalog", "orders", "inventory"] as const satisfies readonly SubgraphName[];

describe("entity lookups are batched per request", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: JOINED });
    const productIds: string[] = [];
    for (const name of ["Mug", "Kettle", "Filters"]) {
      const { createProduct } = await expectData<{ createProduct: { id: string } }>(
        stack.url,
        `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
        { input: { name, category: "kitchen", priceCents: 900 } },
        admin.token,
      );
      productIds.push(createProduct.id);
      await eventually(
        async () =>
          (
            await graphql(
              stack.url,
              `mutation($id: ID!) { setStock(productId: $id, quantity: 1000) { id } }`,
              { id: createProduct.id },
              admin.token,
            )
          ).data,
      );
    }
    // Ten real customers, five orders each: 50 orders, 100 lines.
    const customers = await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const { register } = await expectData<{ register: { token: string } }>(
          stack.url,
          `mutation($input: RegisterInput!) { register(input: $input) { token } }`,
          {
            input: {
              email: `customer${i}@example.com`,
              password: "correct horse battery",
              name: `Customer ${i}`,
            },
          },
        );
        return register.token;
      }),
    );
    // Orders learn prices from catalog's events; wait until they have arrived.
    await eventually(
      async () =>
        (
          await graphql(
            stack.url,
            `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`,
            { input: { items: productIds.map((productId) => ({ productId, quantity: 1 })) } },
            customers[0],
          )
        ).data,
    );
    for (let round = 0; round < 5; round++) {
      await Promise.all(
        customers.map((token, i) =>
          round === 0 && i === 0
            ? Promise.resolve()
            : expectData(
                stack.url,
                `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`,
                {
                  input: {
                    items: [productIds[i % 3], productIds[(i + 1) % 3]].map((productId) => ({
                      productId,
                      quantity: 1,
                    })),
                  },
                },
                token,
              ),
        ),
      );
    }
  });
  afterAll(() => stack?.stop());

  const counts = () =>
    new Map(JOINED.map((name) => [name, stack.subgraphs.get(name)!.database.queries.count]));

  /** The saga keeps the databases busy for a while after the last order; measure only once it is done. */
  async function settled(): Promise<void> {
    await eventually(async () => {
      const { orders } = await expectData<{ orders: { pageInfo: { totalItems: number } } }>(
        stack.url,
        `{ orders(status: CONFIRMED, perPage: 1) { pageInfo { totalItems } } }`,
        {},
        admin.token,
      );
      return orders.pageInfo.totalItems === 50;
    }, 30_000);
    await eventually(async () => {
      const before = counts();
      await new Promise((r) => setTimeout(r, 400));
      // Each outbox relay's safety-net check may run once in that window.
      return JOINED.every((name) => counts().get(name)! - before.get(name)! <= 1);
    }, 30_000);
  }

  it("answers orders(perPage: 50) { customer items { product } } with a few queries per subgraph", async () => {
    await settled();
    const before = counts();
    const { orders } = await expectData<{
      orders: { items: { customer: { name: string }; items: unknown[] }[] };
    }>(
      stack.url,
      `{ orders(perPage: 50) { items { id customer { name } items { quantity product { name stock } } } } }`,
      {},
      admin.token,
    );
    const spent = Object.fromEntries(
      JOINED.map((name) => [name, stack.subgraphs.get(name)!.database.queries.count - before.get(name)!]),
    );
    expect(orders.items).toHaveLength(50);
    expect(orders.items.every((o) => o.customer.name.startsWith("Customer") && o.items.length >= 2)).toBe(
      true,
    );
    // Without batching this would be 50 customer lookups, 100+ product lookups and 100+ stock lookups.
    // One more per subgraph is allowed for its outbox relay's once-a-second check.
    expect(spent.accounts).toBeLessThanOrEqual(2);
    expect(spent.catalog).toBeLessThanOrEqual(2);
    expect(spent.inventory).toBeLessThanOrEqual(2);
    expect(spent.orders).toBeLessThanOrEqual(5);
  });
});

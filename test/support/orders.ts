// Orders end to end (test/e2e/orders-*.e2e.test.ts): the operations they send and the steps they repeat, each
// waiting for what the saga and catalog's events settle asynchronously.
import { existsSync } from "node:fs";
import { eventually } from "../../events/testing/wait.ts";
import { expectData, graphql } from "./graphql.ts";

/** Whether this checkout has the accounts subgraph (the orders tests run without it too). */
export const withAccounts = existsSync(new URL("../../subgraphs/accounts/server.ts", import.meta.url));

/** The subgraphs an orders test stack starts. */
export const ORDER_SUBGRAPHS = [
  "catalog",
  "inventory",
  "orders",
  ...(withAccounts ? (["accounts"] as const) : []),
] as const;

const ORDER_FIELDS = `id status totalCents currency customer { id } payment { status amountCents method }`;
export const PLACE = `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { ${ORDER_FIELDS} } }`;
export const ORDER = `query($id: ID!) { order(id: $id) { ${ORDER_FIELDS} } }`;
export const PAY = `mutation($id: ID!, $method: String!) { payOrder(orderId: $id, method: $method) { ${ORDER_FIELDS} } }`;
export const act = (name: "cancelOrder" | "shipOrder" | "deliverOrder") =>
  `mutation($id: ID!) { ${name}(orderId: $id) { ${ORDER_FIELDS} } }`;
const STOCK = `query($id: ID!) { product(id: $id) { stock } }`;

export interface OrderView {
  id: string;
  status: string;
  totalCents: number;
  currency: string;
  customer: { id: string };
  payment: { status: string; amountCents: number; method: string } | null;
}

export const codeOf = (r: { errors?: { extensions?: { code?: string } }[] }) =>
  r.errors?.[0]?.extensions?.code;

/** The steps the orders tests share, against the gateway at `url()` (known once the stack has started). */
export function orderSteps(url: () => string, adminToken: string) {
  /** A product with stock, once catalog's event reached inventory and orders. */
  async function stockedProduct(stock: number, priceCents = 1500, currency = "USD"): Promise<string> {
    const created = await expectData<{ createProduct: { id: string } }>(
      url(),
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
      { input: { name: `Beans ${Math.random()}`, category: "coffee", priceCents, currency } },
      adminToken,
    );
    const id = created.createProduct.id;
    await eventually(
      async () =>
        (
          await graphql(
            url(),
            `mutation($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { id } }`,
            { id, q: stock },
            adminToken,
          )
        ).data,
    );
    return id;
  }

  const stockOf = async (id: string) =>
    (await expectData<{ product: { stock: number } }>(url(), STOCK, { id })).product.stock;

  /** Places an order, retrying only while orders has not yet heard of the product from catalog. */
  async function place(token: string, items: { productId: string; quantity: number }[]): Promise<OrderView> {
    return eventually(async () => {
      const r = await graphql<{ placeOrder: OrderView }>(url(), PLACE, { input: { items } }, token);
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
      const r = await graphql(url(), PLACE, { input: { items } }, adminToken);
      return r.errors?.[0]?.extensions?.field === "input.items[1].productId";
    });

  const readOrder = async (id: string, token = adminToken) =>
    (await expectData<{ order: OrderView }>(url(), ORDER, { id }, token)).order;

  const settled = (id: string, status: string) =>
    eventually(async () => ((await readOrder(id)).status === status ? true : undefined));

  const run = async (name: "cancelOrder" | "shipOrder" | "deliverOrder", id: string, token = adminToken) =>
    (await expectData<Record<string, OrderView>>(url(), act(name), { id }, token))[name]!;

  return { stockedProduct, stockOf, place, knownToOrders, readOrder, settled, run };
}

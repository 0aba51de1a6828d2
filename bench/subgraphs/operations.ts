// The operations measured, each against the one subgraph that serves it, with the data it needs seeded first
// over the subgraph's own API (so seeded rows went through the same validation and outbox as real traffic).
import { randomUUID } from "node:crypto";
import { encodeEvent, subgraphSource } from "../../events/codec.ts";
import { createKafka } from "../../events/kafka.ts";
import { Topics } from "../../events/topics.ts";
import { GATEWAY_SECRET_HEADER } from "../../platform/auth/gateway-secret.ts";
import { signAccessToken, type TokenSettings } from "../../platform/auth/tokens.ts";
import type { SubgraphName } from "../../platform/topology.ts";
import { GraphQLClientError, request } from "../../scripts/seed/client.ts";

export interface Call {
  query: string;
  variables?: Record<string, unknown>;
  /** Bearer token, if the operation needs a viewer. */
  token?: string;
}

export interface Operation {
  name: string;
  subgraph: SubgraphName;
  /** Seeds what the operation reads (idempotent per run) and answers the request to repeat. */
  prepare(url: string, tokens: TokenSettings): Promise<Call>;
}

/** As many products as a products page, an `_entities` batch and the stock batch need. */
const PRODUCTS = 20;

const adminToken = (tokens: TokenSettings) =>
  signAccessToken(tokens, { id: randomUUID(), roles: ["ADMIN"] }).token;

const seeded = new Map<string, Promise<string[]>>();

/** The bench stands where the gateway does: production subgraphs answer only GATEWAY_SECRET's holder. */
let asGateway: Record<string, string> = {};
export function seedAsGateway(secret: string | undefined): void {
  asGateway = secret ? { [GATEWAY_SECRET_HEADER]: secret } : {};
}

/** The broker the subgraphs consume from: the bench announces products there as catalog would. */
let brokers: string[] = [];
export function announceProductsOn(addresses: string[]): void {
  brokers = addresses;
}

/** catalog's created event for each id, so inventory (which refuses stock for unknown products) tracks them. */
async function announceProducts(ids: string[]): Promise<void> {
  const producer = createKafka({ brokers, clientId: "bench-subgraphs-catalog" }).producer();
  await producer.connect();
  try {
    await producer.send({
      topic: Topics.ProductCreated,
      acks: -1,
      messages: ids.map((id, i) =>
        encodeEvent({
          id: randomUUID(),
          topic: Topics.ProductCreated,
          key: id,
          payload: {
            entity: { typename: "Product", id },
            productId: id,
            name: `Bench product ${i}`,
            priceCents: 100 + i,
            currency: "EUR",
            category: "tools",
          },
          source: subgraphSource("catalog"),
        }),
      ),
    });
  } finally {
    await producer.disconnect();
  }
}

/** Product ids in catalog, created once per catalog process (keyed by its URL). */
function catalogProducts(url: string, tokens: TokenSettings): Promise<string[]> {
  const existing = seeded.get(url);
  if (existing) return existing;
  const token = adminToken(tokens);
  const created = Promise.all(
    Array.from({ length: PRODUCTS }, (_, i) =>
      request<{ createProduct: { id: string } }>(
        url,
        "mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }",
        {
          input: {
            name: `Bench product ${i}`,
            description: `A product the subgraph benchmark reads, number ${i}.`,
            priceCents: 100 + i,
            category: i % 2 === 0 ? "tools" : "garden",
          },
        },
        token,
        asGateway,
      ).then((r) => r.createProduct.id),
    ),
  );
  seeded.set(url, created);
  return created;
}

/** Stock rows in inventory for products announced as catalog would announce them. */
function stockedProducts(url: string, tokens: TokenSettings): Promise<string[]> {
  const existing = seeded.get(url);
  if (existing) return existing;
  const token = adminToken(tokens);
  const ids = Array.from({ length: PRODUCTS }, () => randomUUID());
  const stocked = announceProducts(ids)
    .then(() => Promise.all(ids.map((id, i) => setStockOnceTracked(url, token, id, 10 + i))))
    .then(() => ids);
  seeded.set(url, stocked);
  return stocked;
}

const SET_STOCK =
  "mutation($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { id stock inStock } }";

const setStock = (url: string, token: string, id: string, quantity: number) =>
  request(url, SET_STOCK, { id, q: quantity }, token, asGateway);

/** Inventory consumes the announcement on its own time; on a loaded machine, longer than it waits itself. */
async function setStockOnceTracked(url: string, token: string, id: string, quantity: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await setStock(url, token, id, quantity);
      return;
    } catch (error) {
      if (!(error instanceof GraphQLClientError) || error.code !== "NOT_FOUND" || Date.now() > deadline)
        throw error;
    }
  }
}

const representations = (ids: string[]) => ids.map((id) => ({ __typename: "Product", id }));

const ENTITIES = "query($representations: [_Any!]!) { _entities(representations: $representations) {";

export const OPERATIONS: Operation[] = [
  {
    name: "catalog product(id:)",
    subgraph: "catalog",
    prepare: async (url, tokens) => ({
      query:
        "query($id: ID!) { product(id: $id) { id name description priceCents currency category createdAt updatedAt } }",
      variables: { id: (await catalogProducts(url, tokens))[0] },
    }),
  },
  {
    name: "catalog products(perPage: 20)",
    subgraph: "catalog",
    prepare: async (url, tokens) => {
      await catalogProducts(url, tokens);
      return {
        query:
          "{ products(perPage: 20) { items { id name description priceCents currency category createdAt } pageInfo { totalItems hasNext } } }",
      };
    },
  },
  {
    name: "catalog _entities x20",
    subgraph: "catalog",
    prepare: async (url, tokens) => ({
      query: `${ENTITIES} ... on Product { id name priceCents currency category } } }`,
      variables: { representations: representations(await catalogProducts(url, tokens)) },
    }),
  },
  {
    name: "inventory setStock",
    subgraph: "inventory",
    prepare: async (url, tokens) => ({
      query: SET_STOCK,
      variables: { id: (await stockedProducts(url, tokens))[0], q: 100 },
      token: adminToken(tokens),
    }),
  },
  {
    name: "inventory _entities x20",
    subgraph: "inventory",
    prepare: async (url, tokens) => ({
      query: `${ENTITIES} ... on Product { stock inStock } } }`,
      variables: { representations: representations(await stockedProducts(url, tokens)) },
    }),
  },
  {
    name: "feed publishPost",
    subgraph: "feed",
    prepare: async (_url, tokens) => ({
      query: "mutation($m: String!) { publishPost(message: $m) { id message createdAt } }",
      variables: { m: "Measuring what one post costs the feed subgraph." },
      token: signAccessToken(tokens, { id: randomUUID(), roles: ["CUSTOMER"] }).token,
    }),
  },
];

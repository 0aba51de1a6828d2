import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningSubgraph, startSubgraph } from "../../test/support/fixture-server.ts";
import { startTestGateway, type TestGateway } from "../../test/support/gateway.ts";
import { composeSupergraph, writeSupergraph } from "../../test/support/supergraph.ts";

// A real subgraph answer that breaks a non-null promise: orders lists a line whose product catalog no longer
// resolves (deleted), so `Product.name: String!` has no value and the null spreads upwards.
const ORDERS_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Product @key(fields: "id", resolvable: false) { id: ID! }
type Line { id: ID! product: Product! }
type Query { line: Line! maybeLine: Line }`;

const CATALOG_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Product @key(fields: "id") { id: ID! name: String! }
type Query { productCount: Int! }`;

// Composed, but nobody listens at its address.
const INVENTORY_SDL = `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Query { warehouse: String! maybeWarehouse: String }`;

let orders: RunningSubgraph;
let catalog: RunningSubgraph;
let gw: TestGateway;
let downPort: number;

beforeAll(async () => {
  const line = { id: "l1", product: { __typename: "Product", id: "gone" } };
  orders = await startSubgraph("orders", ORDERS_SDL, { Query: { line: () => line, maybeLine: () => line } });
  catalog = await startSubgraph("catalog", CATALOG_SDL, {
    Query: { productCount: () => 0 },
    Product: { __resolveReference: () => null },
  });
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  downPort = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const inventoryUrl = `http://127.0.0.1:${downPort}/graphql`;
  const path = await writeSupergraph(
    composeSupergraph([
      { name: "orders", url: orders.url, typeDefs: ORDERS_SDL },
      { name: "catalog", url: catalog.url, typeDefs: CATALOG_SDL },
      { name: "inventory", url: inventoryUrl, typeDefs: INVENTORY_SDL },
    ]),
  );
  gw = await startTestGateway({ SUPERGRAPH_PATH: path, SUPERGRAPH_WATCH: "false" });
});
afterAll(async () => {
  await gw?.stop();
  await orders?.stop();
  await catalog?.stop();
});

interface Answer {
  status: number;
  text: string;
  body: {
    data?: unknown;
    errors?: { message: string; path?: unknown[]; extensions?: { code?: string } }[];
    extensions?: Record<string, unknown>;
  };
}

async function ask(query: string): Promise<Answer> {
  const response = await gw.post({ query });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) };
}

describe("answers the spec allows", () => {
  it("never sends data: null without errors; the broken promise becomes a coded error", async () => {
    const { body } = await ask("{ line { product { name } } }");
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([
      {
        message: "Cannot return null for non-nullable field Product.name.",
        path: ["line", "product", "name"],
        extensions: { code: "INTERNAL_SERVER_ERROR" },
      },
    ]);
    // Apollo Gateway's own report is not passed on raw.
    expect(body.extensions?.valueCompletion).toBeUndefined();
  });

  it("gives the error with partial data too, when the null stops at a nullable field", async () => {
    const { status, body } = await ask("{ maybeLine { id product { name } } }");
    expect(status).toBe(200);
    expect(body.data).toEqual({ maybeLine: null });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(["INTERNAL_SERVER_ERROR"]);
    expect(body.extensions?.valueCompletion).toBeUndefined();
  });
});

describe("a subgraph that is down", () => {
  it("is SERVICE_UNAVAILABLE naming the service, with 503 when nothing could be answered", async () => {
    const { status, text, body } = await ask("{ warehouse }");
    expect(status).toBe(503);
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([
      expect.objectContaining({
        message: "The inventory service is unavailable; try again shortly.",
        extensions: expect.objectContaining({ code: "SERVICE_UNAVAILABLE", serviceName: "inventory" }),
      }),
    ]);
    expect(text).not.toMatch(new RegExp(`ECONNREFUSED|127\\.0\\.0\\.1|${downPort}`));
  });

  it("leaves partial data at 200", async () => {
    const { status, text, body } = await ask("{ maybeWarehouse productCount }");
    expect(status).toBe(200);
    expect(body.data).toEqual({ maybeWarehouse: null, productCount: 0 });
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(["SERVICE_UNAVAILABLE"]);
    expect(text).not.toMatch(new RegExp(`ECONNREFUSED|${downPort}`));
  });
});

// Processes that die: a subgraph killed under load and restarted on its port, the gateway restarted, Postgres connections cut.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../events/testing/wait.ts";
import { parseConfig } from "../../gateway/config.ts";
import { buildGateway, type Gateway } from "../../gateway/server.ts";
import { silentLogger } from "../../platform/logger.ts";
import { startSubgraph } from "../../subgraphs/kit/runtime.ts";
import { loadSubgraph } from "../../subgraphs/registry.ts";
import { testEnv, testSubgraphConfig } from "../support/config.ts";
import { expectData, graphql } from "../support/graphql.ts";
import { type PostgresProxy, startPostgresProxy } from "../support/postgres-proxy.ts";
import { POSTGRES_SERVER } from "../support/postgres-server.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const admin = tokenFor(["ADMIN"]);
const SUPERGRAPH = fileURLToPath(new URL("../../schemas/supergraph.graphql", import.meta.url));
const JOINED = `query($id: ID!) { product(id: $id) { name stock } }`;
let stack: Stack;
let productId: string;
/** Never read before inventory goes down, so no cached answer stands in for the dead subgraph. */
let unreadId: string;
let restartedGateway: Gateway | undefined;

beforeAll(async () => {
  stack = await startStack({ subgraphs: ["catalog", "inventory"] });
  const { createProduct } = await expectData<{ createProduct: { id: string } }>(
    stack.url,
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
    { input: { name: "Crash-proof lamp", category: "faults", priceCents: 100 } },
    admin.token,
  );
  productId = createProduct.id;
  unreadId = (
    await expectData<{ createProduct: { id: string } }>(
      stack.url,
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
      { input: { name: "Unread lamp", category: "faults", priceCents: 100 } },
      admin.token,
    )
  ).createProduct.id;
  await eventually(async () => (await graphql(stack.url, JOINED, { id: productId })).data?.product);
}, 60_000);
afterAll(async () => {
  await restartedGateway?.stop();
  await stack?.stop();
});

/** Sends queries in a loop until stopped; records every HTTP status. */
function load(url: string) {
  const statuses: number[] = [];
  let running = true;
  const done = Promise.all(
    Array.from({ length: 4 }, async () => {
      while (running) statuses.push((await graphql(url, JOINED, { id: productId })).status);
    }),
  );
  return {
    statuses,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

describe("processes that die", () => {
  it("answers with partial data while inventory is down, and recovers when it returns on its port", async () => {
    const traffic = load(stack.url);
    const old = stack.subgraphs.get("inventory")!;
    await old.stop();
    const partial = await graphql<{ product: { name: string } | null }>(
      stack.url,
      `query($id: ID!) { product(id: $id) { name } }`,
      {
        id: unreadId,
      },
    );
    expect(partial.data?.product?.name).toBe("Unread lamp");
    const joined = await graphql(stack.url, JOINED, { id: unreadId });
    expect(joined.status).toBe(200);
    expect(joined.errors?.[0]?.extensions?.code).toBeTruthy();
    expect((await fetch(new URL("/health", stack.url))).status).toBe(200);

    const config = { ...testSubgraphConfig("inventory", stack.broker.brokers), port: old.port };
    const revived = await startSubgraph(await loadSubgraph("inventory"), config, silentLogger);
    stack.subgraphs.set("inventory", revived);
    await eventually(async () => {
      const response = await graphql(stack.url, JOINED, { id: productId });
      return !response.errors && response.data;
    }, 20_000);
    await traffic.stop();
    expect(traffic.statuses.length).toBeGreaterThan(0);
    expect(traffic.statuses.filter((s) => s >= 500)).toEqual([]);
  }, 60_000);

  it("serves again after the gateway is stopped and a new one starts on the same port", async () => {
    const port = Number(new URL(stack.url).port);
    await stack.gateway.stop();
    await expect(fetch(stack.url, { method: "POST" })).rejects.toThrow();
    const config = parseConfig(
      testEnv({
        SUPERGRAPH_PATH: SUPERGRAPH,
        SUPERGRAPH_WATCH: "false",
        KAFKA_BROKERS: stack.broker.brokers.join(","),
        SUBGRAPH_URLS: [...stack.subgraphs].map(([name, s]) => `${name}=${s.url}`).join(","),
      }),
    );
    restartedGateway = await buildGateway(config, { logger: silentLogger });
    await restartedGateway.listen(port, "127.0.0.1");
    const data = await expectData<{ product: { name: string } }>(stack.url, JOINED, { id: productId });
    expect(data.product.name).toBe("Crash-proof lamp");
  }, 30_000);
});

// About Postgres itself, so on the machine's Postgres in both passes (CI starts it before either), through a
// proxy that lets the test have the server terminate exactly this subgraph's connections, even one starting.
describe("a subgraph on Postgres", () => {
  let pg: Stack;
  let proxy: PostgresProxy;
  const CREATE = `mutation($input: CreateProductInput!) { createProduct(input: $input) { id name } }`;
  const LISTED = `{ products(category: "postgres-faults", perPage: 50) { items { name } } }`;
  const create = (name: string) =>
    graphql<{ createProduct: { name: string } }>(
      pg.url,
      CREATE,
      { input: { name, category: "postgres-faults", priceCents: 100 } },
      admin.token,
    );
  beforeAll(async () => {
    proxy = await startPostgresProxy(POSTGRES_SERVER);
    pg = await startStack({ subgraphs: ["catalog"], databaseServer: proxy.url(POSTGRES_SERVER) });
    expect((await create("Before the cut")).data?.createProduct.name).toBe("Before the cut");
  }, 60_000);
  afterAll(async () => {
    await pg?.stop();
    await proxy?.stop();
  });

  it("answers SERVICE_UNAVAILABLE while Postgres drops its connections, writes nothing half, then reconnects", async () => {
    // Every connection of the pool is terminated, and so is the first one opened after, as it starts.
    expect(await proxy.terminateAll()).toBeGreaterThan(0);
    proxy.terminateNextStartingConnection();
    // Mutations: never answered from the gateway's entity cache, and each one transaction.
    const cut = await create("During the cut");
    expect(cut.status).toBe(503);
    expect(cut.data?.createProduct ?? null).toBeNull();
    expect(cut.errors?.map((error) => error.extensions?.code)).toEqual(["SERVICE_UNAVAILABLE"]);
    expect(cut.errors?.[0]?.message).toMatch(/retry/);

    const acknowledged = ["Before the cut"];
    await eventually(async () => {
      const answer = await create("After the cut");
      if (answer.data?.createProduct) acknowledged.push(answer.data.createProduct.name);
      return answer.data?.createProduct;
    }, 10_000);
    expect(proxy.terminatedWhileStarting).toBe(1);
    const { products } = await expectData<{ products: { items: { name: string }[] } }>(pg.url, LISTED);
    expect(products.items.map((item) => item.name).sort()).toEqual(acknowledged.sort());
  });
});

// Processes that die: a subgraph killed under load and restarted on its port, the gateway restarted, Postgres connections cut.
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../events/testing/wait.ts";
import { parseConfig } from "../../gateway/config.ts";
import { buildGateway, type Gateway } from "../../gateway/server.ts";
import { silentLogger } from "../../platform/logger.ts";
import { startSubgraph } from "../../subgraphs/kit/runtime.ts";
import { loadSubgraph } from "../../subgraphs/registry.ts";
import { testEnv, testSubgraphConfig } from "../support/config.ts";
import { expectData, graphql } from "../support/graphql.ts";
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

// About Postgres itself, so on the machine's Postgres in both passes (CI starts it before either).
describe("a subgraph on Postgres", () => {
  let pg: Stack;
  let lampId: string;
  beforeAll(async () => {
    pg = await startStack({ subgraphs: ["catalog", "inventory"], databaseServer: POSTGRES_SERVER });
    const { createProduct } = await expectData<{ createProduct: { id: string } }>(
      pg.url,
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
      { input: { name: "Reconnecting lamp", category: "faults", priceCents: 100 } },
      admin.token,
    );
    lampId = createProduct.id;
    await eventually(async () => (await graphql(pg.url, JOINED, { id: lampId })).data?.product);
  }, 60_000);
  afterAll(() => pg?.stop());

  it("reconnects after Postgres terminates every connection of a subgraph's pool", async () => {
    const catalog = pg.subgraphs.get("catalog")!;
    const rows = (await catalog.database.db.execute("select current_database() as name")) as unknown as {
      name: string;
    }[];
    const db = rows[0]!.name;
    const sql = postgres(POSTGRES_SERVER, { max: 1 });
    const killed =
      await sql`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${db} and pid <> pg_backend_pid()`;
    await sql.end();
    expect(killed.length).toBeGreaterThan(0);
    await eventually(async () => (await graphql(pg.url, JOINED, { id: lampId })).data?.product, 10_000);
    const data = await expectData<{ product: { name: string } }>(pg.url, JOINED, { id: lampId });
    expect(data.product.name).toBe("Reconnecting lamp");
  });
});

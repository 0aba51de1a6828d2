import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSubgraph } from "../test/support/fixture-server.ts";
import {
  catalogSdl,
  INVENTORY_SDL,
  startCatalog,
  startInventory,
} from "../test/support/fixture-subgraphs.ts";
import { startTestGateway, type TestGateway } from "../test/support/gateway.ts";
import { composeSupergraph, writeSupergraph } from "../test/support/supergraph.ts";

// SHARE_SUBGRAPH_FETCHES=false must give every request its own subgraph fetch: it is how an operator rules
// the sharing out when debugging, and how the benchmark shows what the gateway does without it.
let catalog: RunningSubgraph;
let inventory: RunningSubgraph;
let gw: TestGateway;

beforeAll(async () => {
  [catalog, inventory] = await Promise.all([startCatalog(), startInventory()]);
  const supergraphPath = await writeSupergraph(
    composeSupergraph([
      {
        name: "catalog",
        url: "http://localhost:4002/graphql",
        typeDefs: catalogSdl({ withDescription: false }),
      },
      { name: "inventory", url: "http://localhost:4004/graphql", typeDefs: INVENTORY_SDL },
    ]),
  );
  gw = await startTestGateway({
    SUPERGRAPH_PATH: supergraphPath,
    SUBGRAPH_URLS: `catalog=${catalog.url},inventory=${inventory.url}`,
    SHARE_SUBGRAPH_FETCHES: "false",
  });
});

afterAll(async () => {
  await gw?.stop();
  await Promise.all([catalog?.stop(), inventory?.stop()]);
});

describe("SHARE_SUBGRAPH_FETCHES=false", () => {
  it("sends one subgraph fetch per request, even for identical queries in flight together", async () => {
    const before = catalog.requests.length;
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => gw.post({ query: `{ product(id: "p1") { name } }` })),
    );
    for (const answer of answers) {
      expect(await answer.json()).toEqual({ data: { product: { name: "Kettle" } } });
    }
    expect(catalog.requests.length - before).toBe(20);
  });
});

// Client-chosen operation names cannot grow the gateway's /metrics without bound.
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../test/support/gateway.ts";
import { labelValues } from "../../test/support/metrics.ts";

const SUPERGRAPH = fileURLToPath(new URL("../../schemas/supergraph.graphql", import.meta.url));
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({
    SUPERGRAPH_PATH: SUPERGRAPH,
    SUPERGRAPH_WATCH: "false",
    METRICS_MAX_OPERATION_NAMES: "5",
    RATE_LIMIT_ENABLED: "false",
  });
});
afterAll(() => gw?.stop());

async function operationLabels(): Promise<Set<string>> {
  const scrape = await (await fetch(gw.url.replace(/\/graphql$/, "/metrics"))).text();
  return labelValues(scrape, "tributary_graphql_operations_total", "gateway", "operation");
}

describe("the gateway's operation label", () => {
  it("names only operations that ran, at most METRICS_MAX_OPERATION_NAMES of them", async () => {
    for (let i = 0; i < 300; i++) {
      // Junk that does not parse, a name that matches nothing, and a valid operation with a fresh name.
      await gw.post({ query: `{ junk${i}`, operationName: `junk${i}` });
      await gw.post({ query: "query Real { __typename }", operationName: `unmatched${i}` });
      await gw.post({ query: `query Valid${i} { __typename }`, operationName: `Valid${i}` });
    }
    await gw.post({ query: "{ __typename }" });
    const labels = await operationLabels();
    expect([...labels].filter((l) => /junk|unmatched/.test(l))).toEqual([]);
    // The first five names, then "other"; "refused" for what never ran; "anonymous".
    expect(labels).toEqual(
      new Set(["Valid0", "Valid1", "Valid2", "Valid3", "Valid4", "other", "refused", "anonymous"]),
    );
  });
});

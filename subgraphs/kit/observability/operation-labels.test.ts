// Client-chosen operation names cannot grow a subgraph's /metrics without bound, even sent to its own port.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labelValues } from "../../../test/support/metrics.ts";
import { type Stack, startStack } from "../../../test/support/stack.ts";

let stack: Stack;
let catalog: string;

beforeAll(async () => {
  stack = await startStack({ subgraphs: ["catalog"], env: { METRICS_MAX_OPERATION_NAMES: "5" } });
  catalog = stack.subgraphs.get("catalog")?.url as string;
});
afterAll(() => stack?.stop());

const post = (body: unknown) =>
  fetch(catalog, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("a subgraph's operation label", () => {
  it("names only operations that ran, at most METRICS_MAX_OPERATION_NAMES of them", async () => {
    for (let i = 0; i < 300; i++) {
      await post({ query: `{ junk${i}`, operationName: `junk${i}` });
      await post({ query: `query Valid${i} { __typename }`, operationName: `Valid${i}` });
    }
    const scrape = await (await fetch(catalog.replace(/\/graphql$/, "/metrics"))).text();
    const labels = labelValues(scrape, "tributary_graphql_operations_total", "catalog", "operation");
    expect([...labels].filter((l) => l.startsWith("junk"))).toEqual([]);
    expect(labels).toEqual(new Set(["Valid0", "Valid1", "Valid2", "Valid3", "Valid4", "other", "refused"]));
  });
});

// Every /metrics the stack serves passes `promtool check metrics`: counters typed counter, names and help as
// Prometheus expects, so rate() and the dashboards read them right. In CI a missing promtool fails the test.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BrokerMetrics, serveBrokerMetrics } from "../../platform/metrics/broker.ts";
import { expectData } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const hasPromtool = spawnSync("promtool", ["--version"]).status === 0;
const inCi = process.env.CI === "true";
if (!hasPromtool && !inCi)
  console.warn("metrics lint skipped: promtool is missing (apt-get install prometheus)");

/** promtool's findings for one exposition (empty when clean). */
function promtool(exposition: string): string {
  const run = spawnSync("promtool", ["check", "metrics"], { input: exposition, encoding: "utf8" });
  return `${run.stdout}${run.stderr}`.trim() + (run.status === 0 ? "" : ` (exit ${run.status})`);
}

describe.skipIf(!hasPromtool && !inCi)("/metrics under promtool", () => {
  let stack: Stack;
  let broker: BrokerMetrics;
  beforeAll(async () => {
    expect(hasPromtool, "promtool is required in CI (apt-get install prometheus)").toBe(true);
    stack = await startStack();
    broker = await serveBrokerMetrics({ stats: () => stack.broker.stats(), port: 0, host: "127.0.0.1" });
    // Some traffic, so the labelled series exist: a query, a mutation and its event.
    const admin = tokenFor(["ADMIN"]);
    await expectData(
      stack.url,
      "mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }",
      { input: { name: "Metered", category: "coffee", priceCents: 100 } },
      admin.token,
    );
    await expectData(stack.url, "{ products { items { id name stock } } }");
  });
  afterAll(async () => {
    await broker?.close();
    await stack?.stop();
  });

  it("finds nothing to flag on the gateway's, every subgraph's and the broker's /metrics", async () => {
    const targets: [string, string][] = [
      ["gateway", new URL("/metrics", stack.url).href],
      ...[...stack.subgraphs].map(([name, s]): [string, string] => [name, new URL("/metrics", s.url).href]),
      ["broker", `http://127.0.0.1:${broker.port}/metrics`],
    ];
    expect(targets.length).toBe(8);
    const findings: Record<string, string> = {};
    for (const [name, url] of targets) {
      const response = await fetch(url);
      expect(response.status, name).toBe(200);
      const text = await response.text();
      expect(text, name).toMatch(/_total \d/);
      findings[name] = promtool(text);
    }
    expect(findings).toEqual(Object.fromEntries(targets.map(([name]) => [name, ""])));
  });
});

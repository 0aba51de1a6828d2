// The schema-driven fuzzer on every CI run: a few thousand seeded operations (valid and mutated) over HTTP and
// graphql-ws against the whole stack. `npm run fuzz -- --seed N --count N` runs more.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, startStack } from "../support/stack.ts";
import { runCampaign } from "./campaign.ts";
import { apiSchema, stackTarget } from "./stack-target.ts";

const SEED = 17_2026;
const COUNT = 2000;

let stack: Stack;
beforeAll(async () => {
  // Rate limits are other tests' subject: here they would only turn operations into RATE_LIMITED early.
  stack = await startStack({ env: { RATE_LIMIT_POINTS: "1000000", RATE_LIMIT_BURST_POINTS: "1000000" } });
}, 180_000);
afterAll(async () => {
  await stack?.stop();
});

describe("the schema-driven fuzzer", () => {
  it(`keeps every invariant over ${COUNT} seeded operations (seed ${SEED})`, async () => {
    const { target, healthUrls } = stackTarget(stack);
    const report = await runCampaign({
      schema: await apiSchema(stack.url),
      target,
      healthUrls,
      seed: SEED,
      count: COUNT,
      maxHeapGrowthBytes: 256 * 2 ** 20,
    });
    console.info("fuzz:", JSON.stringify({ ...report, failures: report.failures.length }));
    expect(report.sent).toBe(COUNT);
    // Every shape was exercised, so a generator that silently stopped producing one is noticed.
    expect(Object.keys(report.byShape).length).toBeGreaterThanOrEqual(12);
    expect(report.failures).toEqual([]);
  }, 300_000);
});

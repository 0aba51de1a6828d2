// `npm run fuzz -- --seed N --count N [--concurrency N] [--no-shrink]`: the schema-driven fuzzer against a
// whole stack started in this process; prints each failing invariant with its minimal case, exits 1 on any.
import { parseArgs } from "node:util";
import { runCampaign } from "../test/fuzz/campaign.ts";
import { apiSchema, stackTarget } from "../test/fuzz/stack-target.ts";
import { startStack } from "../test/support/stack.ts";

const { values } = parseArgs({
  options: {
    seed: { type: "string", default: String(Date.now() % 1_000_000) },
    count: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "8" },
    "no-shrink": { type: "boolean", default: false },
  },
});
const seed = Number(values.seed);
const count = Number(values.count);
console.log(`fuzz: seed ${seed}, ${count} operations; starting the stack...`);
const stack = await startStack({ env: { RATE_LIMIT_POINTS: "1000000", RATE_LIMIT_BURST_POINTS: "1000000" } });
try {
  const { target, healthUrls } = stackTarget(stack);
  const started = performance.now();
  const report = await runCampaign({
    schema: await apiSchema(stack.url),
    target,
    healthUrls,
    seed,
    count,
    concurrency: Number(values.concurrency),
    maxHeapGrowthBytes: 256 * 2 ** 20,
    shrink: !values["no-shrink"],
  });
  const { failures, ...summary } = report;
  console.log(
    JSON.stringify({ ...summary, seconds: Math.round((performance.now() - started) / 1000) }, null, 2),
  );
  for (const failure of failures)
    console.log(
      `\nFAIL ${failure.invariant} (${failure.count}x) ${JSON.stringify(failure.shapes)}\n${JSON.stringify(failure.example, null, 2)}`,
    );
  console.log(
    failures.length === 0
      ? "\nfuzz: every invariant held"
      : `\nfuzz: ${failures.length} invariant(s) failed (seed ${seed})`,
  );
  process.exitCode = failures.length === 0 ? 0 : 1;
} finally {
  await stack.stop();
}

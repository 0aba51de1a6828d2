// `npm run bench:subgraphs` (run it under `flock /tmp/tributary-bench.lock`): what one request costs a subgraph.
// Each operation gets a fresh subgraph process started as production starts it, seeded over its own API, then
// loaded over HTTP from a separate process. The CPU column (the subgraph's own CPU per answered request) is the
// stable one on a shared machine; req/s and latencies move with whatever else runs. Options:
//   --seconds=5 --warmup=2 --connections=10 --rounds=1   the measurement (rounds repeat the whole set)
//   --only=setStock,products                               operations whose name contains one of these
//   --cpu-prof[=DIR]   run each subgraph with node --cpu-prof; one profile per operation under DIR
//   --log-level=warn   the subgraph's LOG_LEVEL; production's default, info, writes a line per request
//   --write-docs   also write the table into docs/benchmarks.md (section subgraphs)
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseTokenSettings } from "../../platform/config.ts";
import { pgliteTemplate } from "../../subgraphs/kit/pglite-template.ts";
import { writeDocSection } from "../doc-section.ts";
import { startBenchBroker } from "../gateways/bench-broker.ts";
import { ROOT } from "../gateways/processes.ts";
import { measure } from "./measure.ts";
import { announceProductsOn, OPERATIONS, seedAsGateway } from "./operations.ts";
import { markdownReport, type Row, table } from "./report.ts";
import { startSubgraphProcess } from "./subgraph-process.ts";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "10" },
    rounds: { type: "string", default: "1" },
    only: { type: "string" },
    "log-level": { type: "string", default: "warn" },
    "cpu-prof": { type: "string" },
    "write-docs": { type: "boolean", default: false },
  },
  // `--cpu-prof` alone (no directory) is allowed: parseArgs would take the next option as its value.
  args: process.argv.slice(2).map((arg) => (arg === "--cpu-prof" ? "--cpu-prof=.data/profiles" : arg)),
});
const load = {
  seconds: Number(args.seconds),
  warmupSeconds: Number(args.warmup),
  connections: Number(args.connections),
};
const wanted = args.only?.split(",").map((s) => s.trim().toLowerCase());
const operations = OPERATIONS.filter((op) => wanted?.some((w) => op.name.toLowerCase().includes(w)) ?? true);
const profileRoot = args["cpu-prof"] ? resolve(ROOT, args["cpu-prof"]) : undefined;
const say = (line: string) => console.log(`[bench] ${line}`);
const uptime = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(", ")}`;

const startedAt = new Date().toISOString();
const loadBefore = loadavg()[0]!;
const workDir = mkdtempSync(join(tmpdir(), "tributary-bench-subgraphs-"));
await pgliteTemplate();
const { broker, env: shared } = await startBenchBroker(workDir, "bench-subgraphs");
const env: Record<string, string> = { ...shared, LOG_LEVEL: args["log-level"] };
const tokens = parseTokenSettings(env, "production");
seedAsGateway(env.GATEWAY_SECRET);
announceProductsOn(env.KAFKA_BROKERS!.split(","));

say(
  `${operations.length} operation(s), ${load.connections} connections, ${load.warmupSeconds} s warm-up + ${load.seconds} s each; ${uptime()}`,
);
const rows: Row[] = [];
try {
  for (let round = 1; round <= Number(args.rounds); round++) {
    for (const [index, op] of operations.entries()) {
      const cpuProfileDir =
        profileRoot && join(profileRoot, op.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase());
      if (cpuProfileDir) mkdirSync(cpuProfileDir, { recursive: true });
      const dataDir = join(workDir, `${round}-${index}`);
      const subgraph = await startSubgraphProcess({ name: op.subgraph, env, dataDir, cpuProfileDir });
      try {
        const call = await op.prepare(subgraph.url, tokens);
        const measurement = await measure(subgraph, call, { ...load, gatewaySecret: env.GATEWAY_SECRET });
        subgraph.assertAlive();
        rows.push({ operation: op.name, measurement });
        say(
          `${op.name}: ${measurement.cpuMsPerRequest.toFixed(2)} CPU ms/req, ${measurement.requestsPerSecond.toFixed(0)} req/s; ${uptime()}`,
        );
        if (measurement.failures > 0)
          say(`  ${measurement.failures} failures, first: ${measurement.firstFailure}`);
      } finally {
        await subgraph.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
      if (cpuProfileDir) say(`  profile in ${cpuProfileDir}`);
    }
  }
} finally {
  await broker.stop();
  rmSync(workDir, { recursive: true, force: true });
}
console.log(`\n${table(rows)}\n\n${uptime()}`);
if (args["write-docs"]) {
  const run = { startedAt, ...load, rounds: Number(args.rounds), loadBefore, loadAfter: loadavg()[0]! };
  writeDocSection("subgraphs", markdownReport(rows, run));
  say("wrote docs/benchmarks.md (section subgraphs)");
}

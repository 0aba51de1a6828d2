// `npm run bench` (run it under `flock /tmp/tributary-bench.lock`): Tributary's gateway side by side with bare
// @apollo/gateway and Hive Gateway (plain and with its Rust router runtime) on the same supergraph and the same
// six subgraph processes, alternating over rounds; the subgraph alone is the ceiling. Options:
//   --rounds=3 --seconds=10 --warmup=3 --connections=50   the measurement
//   --targets=tributary,apollo  --shapes=join,wide          a subset (profiling iterations); the
//     optional target tributary-bundle (the gateway as npm start runs it, compiled) only when named
//   --cpu-prof=DIR   run the gateways with node --cpu-prof
//   --cpu-prof-subgraphs=feed,orders   and these subgraphs, into DIR/<name>/ (profiling all six distorts)
//   --write-docs   write the run into docs/benchmarks.md (section gateways, or gateways-varied), its chart and
//     results/latest.json (latest-varied.json); without it the run is printed and saved in the temp directory
//   --vary-inputs   seed 200 customers, 1,000 orders and 200 products, and rotate join, wide and deep through
//     every customer's orders and tokens instead of repeating one request; the optional target
//     tributary-cache-off joins in, and Tributary's gateways also get the mixed run (--shapes=mixed alone:
//     only it): readers and a writer together, hit ratio, invalidation lag and stale reads
//   --mixed-seconds=N --mixed-writes=20   the mixed run's length (default --seconds) and writes per second
//   --render=FILE    measure nothing: print (and with --write-docs, write) a saved results file
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { GATEWAY_SECRET_HEADER } from "../../platform/auth/gateway-secret.ts";
import { writeDocSection } from "../doc-section.ts";
import { renderChart } from "./chart.ts";
import { autocannon, wrk, wrkInstalled } from "./load.ts";
import { type MixedSettings, mixedRun } from "./mixed.ts";
import { joinAtLowLoad } from "./overhead.ts";
import {
  freePort,
  GATEWAY_CORE,
  type PinnedProcess,
  pinSelf,
  REST_CORE,
  ROOT,
  stopProcess,
  treeCpuMs,
  treeRss,
} from "./processes.ts";
import { renderReport } from "./report.ts";
import { type RunResults, summarise } from "./results.ts";
import { type Fixture, requestBody, requestHeaders, requestVariants, SHAPES, type Shape } from "./shapes.ts";
import { SEED_SIZES, type Stack, seedAndSignIn, startStack } from "./stack.ts";
import { writeBenchSupergraph } from "./supergraph.ts";
import { TARGETS, type Target } from "./targets.ts";

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    seconds: { type: "string", default: "10" },
    warmup: { type: "string", default: "3" },
    connections: { type: "string", default: "50" },
    targets: { type: "string" },
    shapes: { type: "string" },
    "cpu-prof": { type: "string" },
    "cpu-prof-subgraphs": { type: "string" },
    "write-docs": { type: "boolean", default: false },
    "vary-inputs": { type: "boolean", default: false },
    "mixed-seconds": { type: "string" },
    "mixed-writes": { type: "string", default: "20" },
    render: { type: "string" },
  },
});
const settings = {
  rounds: Number(args.rounds),
  seconds: Number(args.seconds),
  warmupSeconds: Number(args.warmup),
  connections: Number(args.connections),
  varyInputs: args["vary-inputs"],
  seeded: args["vary-inputs"] ? SEED_SIZES.varied : SEED_SIZES.standard,
};
const mixedSettings: MixedSettings = {
  seconds: Number(args["mixed-seconds"] ?? args.seconds),
  readers: settings.connections,
  writesPerSecond: Number(args["mixed-writes"]),
  writtenProducts: 20,
};
const chosen = (list: string | undefined) => (list ? new Set(list.split(",")) : undefined);
const targets = TARGETS.filter(
  (t) => chosen(args.targets)?.has(t.name) ?? (!t.optional || (settings.varyInputs && t.inVariedRuns)),
);
const shapes = SHAPES.filter((s) => chosen(args.shapes)?.has(s.name) ?? true);
const mixed = settings.varyInputs && (chosen(args.shapes)?.has("mixed") ?? true);
const writeDocs = args["write-docs"];
const SETTLE_MS = 3_000;
const say = (line: string) => console.log(`[bench] ${line}`);
type HeaderMap = Record<string, string>;

async function graphql(url: string, shape: Shape, fixture: Fixture, extra: HeaderMap = {}): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { ...requestHeaders(shape, fixture), ...extra },
    body: requestBody(shape, fixture),
  });
  const answer = (await response.json()) as { data?: unknown; errors?: unknown[] };
  if (!response.ok || answer.errors || !answer.data)
    throw new Error(
      `${shape.name} through ${url} answered ${response.status} ${JSON.stringify(answer).slice(0, 500)}`,
    );
}

/** The load of one shape on one URL, at the run's connection count. */
function loadSpec(
  url: string,
  shape: Shape,
  fixture: Fixture,
  warmupSeconds: number,
  seconds: number,
  extra: HeaderMap = {},
) {
  return {
    url,
    headers: { ...requestHeaders(shape, fixture), ...extra },
    body: requestBody(shape, fixture),
    variants: settings.varyInputs
      ? requestVariants(shape, fixture).map((v) => ({ ...v, headers: { ...v.headers, ...extra } }))
      : undefined,
    connections: settings.connections,
    warmupSeconds,
    seconds,
  };
}

/**
 * Every shape under load once, through the seeding gateway, before anything is measured: otherwise the
 * subgraphs' first minutes under load (JIT, PGlite's caches, feed's first thousands of posts) fall on
 * whichever target comes first in round 1 and make it look slower than the same gateway in later rounds.
 */
async function warmStack(url: string, fixture: Fixture): Promise<void> {
  for (const shape of shapes) await autocannon(loadSpec(url, shape, fixture, 0, settings.warmupSeconds * 2));
  say(`stack warmed: every shape for ${settings.warmupSeconds * 2} s through the seeding gateway`);
}

/** No one in particular: what asking an unauthenticated `{ __typename }` needs. */
const NOBODY: Fixture = {
  authorization: "",
  orderId: "",
  customers: [],
  adminAuthorization: "",
  productIds: [],
};

async function startGateway(target: Target, stack: Stack, supergraphPath: string) {
  const port = await freePort();
  const proc = target.start!({ port, supergraphPath, env: stack.env, cpuProfDir: args["cpu-prof"] });
  const url = `http://127.0.0.1:${port}/graphql`;
  // Answering __typename means the supergraph is loaded, not just the port open.
  const typename: Shape = { ...SHAPES[0]!, query: "{ __typename }" };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`${target.name} exited:\n${proc.output()}`);
    const up = await graphql(url, typename, NOBODY).then(
      () => true,
      () => false,
    );
    if (up) return { proc, url };
    if (Date.now() > deadline) throw new Error(`${target.name} never answered:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The URL a shape is sent to on this target: the gateway, or for the ceiling the one subgraph that owns it. */
function urlFor(
  target: Target,
  shape: Shape,
  gatewayUrl: string | undefined,
  stack: Stack,
): string | undefined {
  if (target.name !== "subgraph") return gatewayUrl;
  return shape.soleSubgraph ? stack.subgraphUrls[shape.soleSubgraph] : undefined;
}

async function measureTarget(
  target: Target,
  round: number,
  stack: Stack,
  fixture: Fixture,
  supergraphPath: string,
  results: RunResults,
) {
  let gateway: { proc: PinnedProcess; url: string } | undefined;
  if (target.start) gateway = await startGateway(target, stack, supergraphPath);
  let peakRss = 0;
  const sampler = gateway
    ? setInterval(() => {
        peakRss = Math.max(peakRss, treeRss(gateway.proc.child.pid!));
      }, 250)
    : undefined;
  try {
    for (const shape of shapes) {
      const url = urlFor(target, shape, gateway?.url, stack);
      if (!url) continue;
      stack.assertAlive();
      // Subgraphs in production answer only the holder of GATEWAY_SECRET: the ceiling stands where a gateway does.
      const extra: HeaderMap =
        target.name === "subgraph" ? { [GATEWAY_SECRET_HEADER]: stack.env.GATEWAY_SECRET! } : {};
      await graphql(url, shape, fixture, extra);
      const spec = loadSpec(url, shape, fixture, settings.warmupSeconds, settings.seconds, extra);
      const load = loadavg()[0]!;
      const cpuBefore = gateway ? treeCpuMs(gateway.proc.child.pid!) : Number.NaN;
      const result = await autocannon(spec);
      // CPU per answer does not swing with what else shares the core the way req/s does.
      const cpuMsPerRequest =
        (treeCpuMs(gateway?.proc.child.pid ?? 0) - cpuBefore) / (result.requests + result.warmupRequests);
      stack.assertAlive();
      results.measurements.push({
        round,
        target: target.name,
        shape: shape.name,
        load,
        ...result,
        cpuMsPerRequest,
      });
      if (result.firstFailure)
        say(`${target.name} ${shape.name} failed answers, e.g. ${result.firstFailure}`);
      say(
        `round ${round} ${target.name.padEnd(11)} ${shape.name.padEnd(8)} ${Math.round(result.requestsPerSecond)} req/s p50 ${result.p50} p95 ${result.p95} p99 ${result.p99} ms, gateway CPU ${cpuMsPerRequest.toFixed(2)} ms/req, ${result.failures} failed, load ${load.toFixed(1)}`,
      );
      if (shape.name === "join" && wrkInstalled()) {
        const checked = await wrk(spec, stack.workDir);
        results.wrk.push({ round, target: target.name, shape: shape.name, ...checked });
      }
    }
    if (gateway && shapes.some((s) => s.name === "join")) {
      // The subgraphs are still working off the load (events, outbox) for a moment; one request at a time
      // should not wait behind that.
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const low = await joinAtLowLoad(gateway.url, stack.subgraphUrls, fixture, stack.env.GATEWAY_SECRET!);
      results.joinLowLoad.push({ round, target: target.name, p50: low.gateway, ...low });
      say(
        `round ${round} ${target.name} join at low load: p50 ${low.gateway.toFixed(2)} ms, direct calls ${low.direct.toFixed(2)} ms, overhead ${low.overhead.toFixed(2)} ms${low.failed ? `, ${low.failed} failed` : ""}`,
      );
    }
    if (gateway && mixed && target.tributary) {
      const m = await mixedRun(gateway.url, fixture, mixedSettings);
      stack.assertAlive();
      results.mixed?.push({ round, target: target.name, ...m });
      say(
        `round ${round} ${target.name} mixed: ${Math.round(m.readsPerSecond)} reads/s p99 ${m.readP99.toFixed(1)} ms, ${m.writesPerSecond.toFixed(1)} writes/s, hit ratio ${m.present ? m.hitRatio.toFixed(3) : "n/a"}, stale reads ${m.staleAfterConsumed} after the event, ${m.staleAfterAck} after the ack (of ${m.readsOfWritten}), ${m.failures} failed${m.firstFailure ? ` e.g. ${m.firstFailure}` : ""}`,
      );
    }
  } finally {
    clearInterval(sampler);
    if (gateway) await stopProcess(gateway.proc);
  }
  if (gateway) results.rss.push({ round, target: target.name, bytes: peakRss });
}

/** The standard run and the varied one each have their section, chart and saved results. */
const outputs = (varied: boolean | undefined) =>
  varied
    ? { section: "gateways-varied", chart: "benchmarks-gateways-varied.svg", saved: "latest-varied.json" }
    : { section: "gateways", chart: "benchmarks-gateways.svg", saved: "latest.json" };

function publish(results: RunResults): void {
  const { section, chart } = outputs(results.settings.varyInputs);
  const report = renderReport(results, chart);
  console.log(`\n${report}\n`);
  if (!writeDocs) return;
  writeDocSection(section, report);
  const inputs = results.settings.varyInputs ? "npm run bench -- --vary-inputs" : "npm run bench";
  const caption = `${inputs}, ${results.startedAt}; ratios to bare @apollo/gateway in the same round`;
  writeFileSync(join(ROOT, "docs", chart), renderChart(summarise(results), caption));
  say(`wrote docs/benchmarks.md (section ${section}) and docs/${chart}`);
}

if (args.render) {
  publish(JSON.parse(readFileSync(args.render, "utf8")) as RunResults);
  process.exit(0);
}

await pinSelf(REST_CORE);
say(`gateways on core ${GATEWAY_CORE}; subgraphs, broker and load generator on core ${REST_CORE}`);
for (const target of targets) await target.prepare?.(say);
const stack = await startStack({
  cpuProfDir: args["cpu-prof"],
  profiled: chosen(args["cpu-prof-subgraphs"]),
});
try {
  const supergraphPath = join(stack.workDir, "supergraph.graphql");
  writeBenchSupergraph(join(ROOT, "schemas/supergraph.graphql"), supergraphPath, stack.subgraphUrls);
  const seeder = await startGateway(TARGETS[0]!, stack, supergraphPath);
  let fixture: Fixture;
  try {
    fixture = await seedAndSignIn(seeder.url, stack.env, settings.seeded);
    await warmStack(seeder.url, fixture);
  } finally {
    await stopProcess(seeder.proc);
  }
  const idle = await stack.waitUntilIdle();
  say(
    `subgraphs ${idle.settled ? "idle" : "still busy"} ${(idle.waitedMs / 1000).toFixed(0)} s after seeding`,
  );
  const results: RunResults = {
    startedAt: new Date().toISOString(),
    settings,
    measurements: [],
    rss: [],
    joinLowLoad: [],
    mixed: [],
    wrk: [],
  };
  if (!wrkInstalled()) say("wrk is not installed: skipping the cross-check (apt-get install -y wrk)");
  for (let round = 1; round <= settings.rounds; round++) {
    // Rotating the order spreads warm caches and the machine's drift over every gateway alike.
    const order = targets.map((_, i) => targets[(i + round - 1) % targets.length]!);
    for (const target of order) await measureTarget(target, round, stack, fixture, supergraphPath, results);
  }
  results.finishedAt = new Date().toISOString();
  // A run that writes no docs (a subset, a profile) must not replace the results the doc section came from.
  const outDir = writeDocs ? join(ROOT, "bench/gateways/results") : tmpdir();
  const saved = outputs(settings.varyInputs).saved;
  const outFile = join(outDir, writeDocs ? saved : `tributary-bench-gateways-${saved}`);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
  say(`results in ${outFile}`);
  publish(results);
} finally {
  await stack.stop();
}

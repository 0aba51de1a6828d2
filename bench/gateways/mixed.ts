// The mixed run (reads and writes together) on one gateway: the load from mixed-worker.ts, and the entity
// cache's hit ratio and invalidation lag from the gateway's /metrics scraped before and after it.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { type CacheFigures, cacheFigures } from "./cache-metrics.ts";
import type { MixedLoadResult, MixedSpec } from "./mixed-worker.ts";
import { REST_CORE, ROOT } from "./processes.ts";
import type { Fixture } from "./shapes.ts";
import { withSpecFile } from "./spec-file.ts";

const run = promisify(execFile);

export type MixedResult = MixedLoadResult & CacheFigures;

export interface MixedSettings {
  seconds: number;
  readers: number;
  writesPerSecond: number;
  writtenProducts: number;
}

/**
 * Each mixed run writes quantities above every earlier run's (a stride more than any run writes), so a read
 * left over from an earlier run can never pass for a newer version.
 */
const QUANTITY_STRIDE = 1_000_000;
let nextFirstQuantity = QUANTITY_STRIDE;

async function scrapeMetrics(graphqlUrl: string): Promise<string> {
  const response = await fetch(graphqlUrl.replace(/\/graphql$/, "/metrics"));
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  return response.text();
}

export async function mixedRun(url: string, fixture: Fixture, settings: MixedSettings): Promise<MixedResult> {
  const spec: MixedSpec = {
    url,
    readers: settings.readers,
    seconds: settings.seconds,
    writesPerSecond: settings.writesPerSecond,
    productIds: fixture.productIds,
    writtenProducts: Math.min(settings.writtenProducts, fixture.productIds.length),
    readerAuthorizations: fixture.customers.map((c) => c.authorization),
    adminAuthorization: fixture.adminAuthorization,
    firstQuantity: nextFirstQuantity,
  };
  nextFirstQuantity += QUANTITY_STRIDE;
  const before = await scrapeMetrics(url);
  const { stdout } = await withSpecFile(spec, (path) =>
    run(
      "taskset",
      ["-c", REST_CORE, process.execPath, "--import", "tsx", "bench/gateways/mixed-worker.ts", path],
      { cwd: ROOT, maxBuffer: 1 << 20 },
    ),
  );
  const after = await scrapeMetrics(url);
  const load = JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as MixedLoadResult;
  return { ...load, ...cacheFigures(before, after) };
}

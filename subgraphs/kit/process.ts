// A subgraph as its own process: parse the environment once, start, stop cleanly on SIGINT/SIGTERM.
import { describeConfigError } from "../../platform/config.ts";
import { parseSubgraphConfig, type SubgraphConfig } from "./config.ts";
import type { AnySubgraphModule } from "./module.ts";
import { startSubgraph } from "./runtime.ts";

const SHUTDOWN_DEADLINE_MS = 4_000;

export async function runSubgraphProcess(module: AnySubgraphModule): Promise<void> {
  let config: SubgraphConfig;
  try {
    config = parseSubgraphConfig(module.name, process.env);
  } catch (error) {
    console.error(`${module.name}: invalid configuration\n${describeConfigError(error)}`);
    process.exit(1);
  }
  const running = await startSubgraph(module, config);
  process.send?.({ type: "ready", name: module.name, url: running.url });
  stopOnSignals(() => running.stop());
}

/** Stops once on SIGINT, SIGTERM or the parent going away, then exits; never hangs past the deadline. */
export function stopOnSignals(stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    // Never hang the parent's Ctrl-C: give up after the deadline.
    setTimeout(() => process.exit(1), SHUTDOWN_DEADLINE_MS).unref();
    await stop();
    process.exit(0);
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  process.on("disconnect", shutdown);
}

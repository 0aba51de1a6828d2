// Several subgraphs in one process (what `npm start` runs by default): each keeps its own database, port,
// Kafka clients, repository and logger, and only the process, its event loop and its loaded modules are
// shared. A subgraph that fails to start is logged by name at error level and tried again after a pause,
// while the others go on serving; a crash of the process itself ends them all, and the parent restarts it.
import { describeConfigError } from "../../platform/config.ts";
import { createLogger } from "../../platform/logger.ts";
import type { SubgraphName } from "../../platform/topology.ts";
import { loadSubgraph } from "../registry.ts";
import { parseSubgraphConfig, type SubgraphConfig } from "./config.ts";
import { stopOnSignals } from "./process.ts";
import { type RunningSubgraph, startSubgraph } from "./runtime.ts";

const MAX_ATTEMPTS = 5;
const FIRST_RETRY_MS = 1_000;

export interface HostOptions {
  env: NodeJS.ProcessEnv;
  /** How long before the next attempt after `attempt` failed ones (doubling by default). */
  retryDelayMs?: (attempt: number) => number;
}

export interface SubgraphHost {
  /** The subgraphs serving now, by name. */
  // biome-ignore lint/suspicious/noExplicitAny: repositories differ per subgraph.
  running: Map<SubgraphName, RunningSubgraph<any>>;
  /** Resolves when every subgraph has started or used up its attempts; names the ones that never started. */
  settled: Promise<SubgraphName[]>;
  stop(): Promise<void>;
}

/** Starts `names`; throws at once (nothing started) when the environment is invalid for any of them. */
export function hostSubgraphs(names: readonly SubgraphName[], options: HostOptions): SubgraphHost {
  const configs = names.map((name) => parseSubgraphConfig(name, options.env));
  const retryDelayMs = options.retryDelayMs ?? ((attempt) => FIRST_RETRY_MS * 2 ** (attempt - 1));
  // biome-ignore lint/suspicious/noExplicitAny: repositories differ per subgraph.
  const running = new Map<SubgraphName, RunningSubgraph<any>>();
  let stopping = false;

  async function startWithRetries(config: SubgraphConfig): Promise<boolean> {
    const logger = createLogger({ name: config.name, level: config.logLevel, pretty: config.prettyLogs });
    const module = await loadSubgraph(config.name);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS && !stopping; attempt++) {
      try {
        const subgraph = await startSubgraph(module, config, logger);
        if (stopping) {
          await subgraph.stop();
          return false;
        }
        running.set(config.name, subgraph);
        process.send?.({ type: "ready", name: config.name, url: subgraph.url });
        return true;
      } catch (error) {
        const last = attempt === MAX_ATTEMPTS;
        logger.error(
          { err: error, attempt, of: MAX_ATTEMPTS },
          last ? "subgraph failed to start; giving up on it" : "subgraph failed to start; trying again",
        );
        if (!last) await new Promise((r) => setTimeout(r, retryDelayMs(attempt)));
      }
    }
    return false;
  }

  // Started together: while one waits on its consumer group or the broker, another opens its database.
  const settled = Promise.all(configs.map((config) => startWithRetries(config))).then((started) =>
    configs.filter((_, i) => !started[i]).map((config) => config.name),
  );

  return {
    running,
    settled,
    async stop() {
      stopping = true;
      await Promise.allSettled([...running.values()].map((subgraph) => subgraph.stop()));
      running.clear();
    },
  };
}

/** The process's entry: runs `names` until SIGINT, SIGTERM or the parent going away. */
export function runSubgraphHost(names: readonly SubgraphName[]): void {
  let host: SubgraphHost;
  try {
    host = hostSubgraphs(names, { env: process.env });
  } catch (error) {
    console.error(`subgraphs: invalid configuration\n${describeConfigError(error)}`);
    process.exit(1);
  }
  stopOnSignals(() => host.stop());
}

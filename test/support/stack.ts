// The whole supergraph in one test process: embedded broker, subgraphs on free ports, gateway in front.

import { fileURLToPath } from "node:url";
import { startTestBroker, type TestBroker } from "../../events/testing/broker.ts";
import { TOPICS_AND_DEAD_LETTERS } from "../../events/topics.ts";
import { parseConfig } from "../../gateway/config.ts";
import { buildGateway, type Gateway } from "../../gateway/server.ts";
import { silentLogger } from "../../platform/logger.ts";
import { SUBGRAPH_NAMES, type SubgraphName } from "../../platform/topology.ts";
import type { AnySubgraphModule } from "../../subgraphs/kit/module.ts";
import { type RunningSubgraph, startSubgraph } from "../../subgraphs/kit/runtime.ts";
import { loadSubgraph } from "../../subgraphs/registry.ts";
import { dropTestDatabases, testEnv, testSubgraphConfig } from "./config.ts";

export interface Stack {
  url: string;
  wsUrl: string;
  broker: TestBroker;
  gateway: Gateway;
  // biome-ignore lint/suspicious/noExplicitAny: repositories differ per subgraph.
  subgraphs: Map<SubgraphName, RunningSubgraph<any>>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Which subgraphs to start (default: all six). */
  subgraphs?: readonly SubgraphName[];
  /** Extra environment for every part, e.g. LOW_STOCK_THRESHOLD. */
  env?: Record<string, string>;
  /** Replacement modules, e.g. one wired to a recording email channel. */
  modules?: Partial<Record<SubgraphName, AnySubgraphModule>>;
  /** A Postgres server for the subgraphs' databases whatever the pass (default: DATABASE_URL, else PGlite). */
  databaseServer?: string;
}

const SUPERGRAPH = fileURLToPath(new URL("../../schemas/supergraph.graphql", import.meta.url));

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  // As `npm start` does: every topic exists before any producer, consumer or gateway starts.
  const broker = await startTestBroker({ topics: TOPICS_AND_DEAD_LETTERS });
  const names = options.subgraphs ?? SUBGRAPH_NAMES;
  // biome-ignore lint/suspicious/noExplicitAny: repositories differ per subgraph.
  const subgraphs = new Map<SubgraphName, RunningSubgraph<any>>();
  // One at a time: PGlite start-up is CPU-bound, and parallel starts only interleave it.
  for (const name of names) {
    const config = testSubgraphConfig(
      name,
      broker.brokers,
      options.env,
      options.databaseServer ?? process.env.DATABASE_URL,
    );
    const module = options.modules?.[name] ?? (await loadSubgraph(name));
    subgraphs.set(name, await startSubgraph(module, config, silentLogger));
  }
  const gatewayConfig = parseConfig(
    testEnv({
      ...options.env,
      SUPERGRAPH_PATH: SUPERGRAPH,
      SUPERGRAPH_WATCH: "false",
      KAFKA_BROKERS: broker.brokers.join(","),
      SUBGRAPH_URLS: [...subgraphs].map(([name, s]) => `${name}=${s.url}`).join(","),
    }),
  );
  const gateway = await buildGateway(gatewayConfig, { logger: silentLogger });
  const { url } = await gateway.listen(0, "127.0.0.1");
  await gateway.whenConsuming();
  return {
    url,
    wsUrl: url.replace(/^http/, "ws"),
    broker,
    gateway,
    subgraphs,
    async stop() {
      await gateway.stop();
      for (const subgraph of subgraphs.values()) await subgraph.stop();
      await broker.stop();
      await dropTestDatabases();
    },
  };
}

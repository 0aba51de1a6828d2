// Starts one subgraph: database + migrations, outbox relay, event consumer, then the HTTP server.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "graphql";
import { startConsumer } from "../../events/consumer/index.ts";
import { createKafka } from "../../events/kafka.ts";
import { startOutboxRelay } from "../../events/outbox/relay.ts";
import { createLogger, type Logger } from "../../platform/logger.ts";
import { PROJECT_ROOT } from "../../platform/project-root.js";
import { startTracing } from "../../platform/tracing/index.ts";
import type { SubgraphConfig } from "./config.ts";
import { contextFactory } from "./context.ts";
import { type Database, openDatabase } from "./database.ts";
import type { SubgraphModule } from "./module.ts";
import { watchSubgraph } from "./observability/index.ts";
import { DateTime } from "./scalars.ts";
import { buildSubgraphServer } from "./server.ts";
import { StartupTimer } from "./startup-timer.ts";
import { createUnitOfWork } from "./unit-of-work.ts";

export interface RunningSubgraph<Repo> {
  name: string;
  url: string;
  port: number;
  repo: Repo;
  database: Database;
  stop(): Promise<void>;
}

export function schemaFileOf(name: string): string {
  return join(PROJECT_ROOT, "schemas", `${name}.graphql`);
}

export async function startSubgraph<Repo, Loaders>(
  module: SubgraphModule<Repo, Loaders>,
  config: SubgraphConfig,
  logger: Logger = createLogger({ name: module.name, level: config.logLevel, pretty: config.prettyLogs }),
): Promise<RunningSubgraph<Repo>> {
  const source = `/subgraphs/${module.name}`;
  // Where start-up time goes, logged with "subgraph ready": the numbers docs/benchmarks.md is built from.
  const startup = new StartupTimer();
  const tracing = await startTracing({ serviceName: module.name, endpoint: config.tracingEndpoint });
  const database = await openDatabase({
    url: config.databaseUrl,
    pgliteDir: config.pgliteDir,
    migrationsFolder: module.migrationsFolder,
    logger,
  });
  startup.lap("database");
  const kafka = createKafka({ brokers: config.kafkaBrokers, clientId: `tributary-${module.name}`, logger });
  const relay = startOutboxRelay({ db: database.db, kafka, source, logger });
  const repo = module.createRepositories(
    createUnitOfWork(database.db, (committed) => relay.wake(committed)),
    config,
    logger,
  );
  await module.onStart?.(repo, config);
  startup.lap("onStart");

  const handlers = module.createEventHandlers?.(repo);
  const consumer = handlers
    ? await startConsumer({
        kafka,
        groupId: `tributary.${module.name}`,
        sessionTimeout: config.consumerSessionTimeoutMs,
        db: database.db,
        source,
        logger,
        handlers,
        onCommitted: () => relay.wake(),
      })
    : null;
  startup.lap("consumer");

  const unwatch = watchSubgraph({
    service: module.name,
    backlog: () => relay.backlog(),
    consumer: handlers ? { kafka, groupId: `tributary.${module.name}`, topics: Object.keys(handlers) } : null,
    lagIntervalMs: config.consumerLagIntervalMs,
    database,
    logger,
  });
  const server = await buildSubgraphServer<Loaders>({
    name: module.name,
    typeDefs: parse(readFileSync(schemaFileOf(module.name), "utf8")),
    resolvers: { DateTime, ...module.createResolvers(repo) },
    context: contextFactory(config.tokens, () => module.createLoaders(repo)),
    healthCheck: async () => {
      await database.db.execute("select 1");
    },
    logger,
    production: config.nodeEnv === "production",
    maxOperationNames: config.metricsMaxOperationNames,
    gatewaySecret: config.gatewaySecret,
  });
  startup.lap("apollo");
  const { port, url } = await server.listen(config.port, config.host);
  startup.lap("listen");
  logger.info(
    { url, database: database.kind, location: database.location, startupMs: startup.report() },
    "subgraph ready",
  );

  return {
    name: module.name,
    url,
    port,
    repo,
    database,
    async stop() {
      await server.stop();
      await unwatch();
      await consumer?.stop();
      await relay.stop();
      await database.close();
      // The last requests' and relayed events' spans still sit in the batch; a stopping process would drop them.
      await tracing?.flush();
    },
  };
}

// Registers a running subgraph's scrape-time sources: its outbox backlog, its consumer lag, its pool size.
import type { Kafka } from "kafkajs";
import type { Backlog } from "../../../events/outbox/queries.ts";
import type { Logger } from "../../../platform/logger.ts";
import { sampleConsumerLag, watchDatabase, watchOutbox } from "../../../platform/metrics/index.ts";
import type { Database } from "../database.ts";

export interface WatchSubgraphOptions {
  service: string;
  backlog: () => Promise<Backlog>;
  /** The consumer group and its topics; null when the subgraph consumes nothing. */
  consumer: { kafka: Kafka; groupId: string; topics: readonly string[] } | null;
  lagIntervalMs: number;
  database: Pick<Database, "queriesInFlight" | "poolMax">;
  logger: Logger;
}

/** Returns the stop function; call it before the database closes. */
export function watchSubgraph(options: WatchSubgraphOptions): () => Promise<void> {
  const unwatch = watchOutbox(options.service, options.backlog);
  const unwatchDatabase = watchDatabase(options.service, options.database);
  const lag = options.consumer
    ? sampleConsumerLag({ ...options.consumer, intervalMs: options.lagIntervalMs, logger: options.logger })
    : null;
  return async () => {
    unwatch();
    unwatchDatabase();
    await lag?.stop();
  };
}

// Embedded single-node Kafka-compatible broker: startBroker() binds a TCP port, replays the data
// directory and serves the Kafka wire protocol until stop(). See README.md for scope.

import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { Connection } from "./connection.ts";
import type { BrokerContext } from "./context.ts";
import { GroupCoordinator } from "./groups/coordinator.ts";
import { type BrokerLogger, jsonLogger } from "./logger.ts";
import { type BrokerStats, newCounters } from "./stats.ts";
import { DataWaiters } from "./storage/data-waiters.ts";
import { Flusher, type FsyncPolicy } from "./storage/flusher.ts";
import { MetaStore } from "./storage/meta-store.ts";
import { TopicStore } from "./storage/topics.ts";

export type { BrokerLogger } from "./logger.ts";
export { jsonLogger, silentLogger } from "./logger.ts";
export type { BrokerStats } from "./stats.ts";
export type { FsyncPolicy } from "./storage/flusher.ts";

export interface BrokerOptions {
  port?: number;
  host?: string;
  dataDir: string;
  autoCreateTopics?: boolean;
  defaultPartitions?: number;
  /** "always" acks acks=-1 only after fdatasync (group commit); a number syncs every N ms. */
  fsync?: FsyncPolicy;
  retentionBytes?: number;
  retentionMs?: number;
  maxRequestBytes?: number;
  logger?: BrokerLogger;
  /** Segment file size before rolling; retention deletes whole segments. */
  segmentBytes?: number;
}

export interface RunningBroker {
  port: number;
  host: string;
  stop(): Promise<void>;
  stats(): BrokerStats;
}

const MiB = 1024 * 1024;

export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const logger = options.logger ?? jsonLogger;
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const onTruncate = (file: string, validBytes: number) =>
    logger.warn("truncated torn log tail", { file, validBytes });
  const flusher = new Flusher(options.fsync ?? "always", (err) =>
    logger.error("fsync failed", { error: err.message }),
  );
  const meta = new MetaStore(path.join(dataDir, "meta.log"), flusher, onTruncate);
  const waiters = new DataWaiters();
  const topics = new TopicStore(dataDir, meta, flusher, {
    autoCreate: options.autoCreateTopics ?? true,
    defaultPartitions: options.defaultPartitions ?? 3,
    segmentBytes: options.segmentBytes ?? defaultSegmentBytes(options.retentionBytes),
    cacheBytes: 8 * MiB,
    retentionBytes: options.retentionBytes,
    retentionMs: options.retentionMs,
    onTruncate,
    onReadable: (log) => waiters.notify(log),
  });
  const counters = newCounters();
  const ctx: BrokerContext = {
    host: advertisedHost(options.host ?? "127.0.0.1"),
    port: 0,
    topics,
    groups: new GroupCoordinator(meta, logger),
    flusher,
    waiters,
    counters,
    logger,
  };

  const connections = new Set<Connection>();
  const server = net.createServer((socket) => {
    const conn = new Connection(socket, ctx, options.maxRequestBytes ?? 64 * MiB);
    connections.add(conn);
    counters.activeConnections++;
    counters.totalConnections++;
    socket.on("close", () => {
      connections.delete(conn);
      counters.activeConnections--;
    });
  });
  server.on("error", (err) => logger.error("server error", { error: err.message }));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 9092, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  }).catch((err: unknown) => {
    topics.close();
    meta.close();
    throw err;
  });
  const address = server.address();
  ctx.port = typeof address === "object" && address ? address.port : (options.port ?? 9092);

  const retentionTimer = startRetention(topics, logger, options.retentionBytes, options.retentionMs);
  let stopping: Promise<void> | undefined;

  return {
    port: ctx.port,
    host: ctx.host,
    stats: () => ({
      ...counters,
      topics: topics.topics.size,
      groups: ctx.groups.activeGroups(),
      rebalances: ctx.groups.rebalances,
    }),
    stop: () => {
      stopping ??= (async () => {
        clearInterval(retentionTimer);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const c of connections) c.destroy();
        ctx.waiters.close();
        ctx.groups.close();
        await topics.drain();
        await flusher.shutdown();
        topics.close();
        meta.close();
        await closed;
      })();
      return stopping;
    },
  };
}

/** Clients must connect to what Metadata advertises, and a wildcard address is not connectable. */
function advertisedHost(bindHost: string): string {
  return bindHost === "0.0.0.0" || bindHost === "::" || bindHost === "" ? "127.0.0.1" : bindHost;
}

function defaultSegmentBytes(retentionBytes: number | undefined): number {
  if (retentionBytes === undefined) return 128 * MiB;
  return Math.min(128 * MiB, Math.max(4096, Math.floor(retentionBytes / 4)));
}

function startRetention(
  topics: TopicStore,
  logger: BrokerLogger,
  bytes?: number,
  ms?: number,
): NodeJS.Timeout | undefined {
  if (bytes === undefined && ms === undefined) return undefined;
  const every = ms === undefined ? 30_000 : Math.min(30_000, Math.max(50, Math.floor(ms / 4)));
  return setInterval(() => {
    try {
      topics.enforceRetention();
    } catch (err) {
      // A segment that cannot be deleted now is retried on the next tick; it must not take the broker down.
      logger.error("retention failed", { error: String(err) });
    }
  }, every);
}

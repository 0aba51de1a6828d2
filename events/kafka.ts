// The one way to build a kafkajs client: kafkajs logs routed into pino, timeouts and retries set for a local cluster.
import { Kafka, type LogEntry, logLevel, type RetryOptions } from "kafkajs";
import type { Logger } from "../platform/logger.ts";

export interface KafkaOptions {
  brokers: string[];
  clientId: string;
  /** kafkajs warnings and errors go here; without a logger kafkajs stays silent. */
  logger?: Logger;
  /** Defaults to WARN with a logger and NOTHING without one. */
  level?: logLevel;
  /**
   * The most severe level this client's entries are logged at: a client whose outage the process rides out
   * logs kafkajs's errors as warnings. Defaults to ERROR.
   */
  mostSevere?: logLevel;
  /** How long after the process starts kafkajs errors count as start-up retries (info); START_GRACE_MS. */
  startGraceMs?: number;
  connectionTimeout?: number;
  requestTimeout?: number;
  retry?: RetryOptions;
}

export const DEFAULT_RETRY: RetryOptions = { initialRetryTime: 100, maxRetryTime: 5_000, retries: 5 };

export function createKafka(options: KafkaOptions): Kafka {
  const { logger } = options;
  const level = options.level ?? (logger ? logLevel.WARN : logLevel.NOTHING);
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    // kafkajs's 1 s default is too short on a busy 2-core machine; a dead broker still fails fast enough.
    connectionTimeout: options.connectionTimeout ?? 3_000,
    requestTimeout: options.requestTimeout ?? 30_000,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    logLevel: level,
    logCreator: () => (entry) =>
      logger &&
      toPino(logger, entry, {
        graceMs: options.startGraceMs ?? START_GRACE_MS,
        mostSevere: options.mostSevere ?? logLevel.ERROR,
      }),
  });
}

// The relay caps the idempotent producer's retries on purpose (it retries forever itself, without blocking
// shutdown), so kafkajs's warning about that choice is noise.
const EXPECTED_WARNINGS = new Set([
  "Limiting retries for the idempotent producer may invalidate EoS guarantees",
]);

/**
 * While a process starts, the broker may not answer yet (`npm start` launches them together, and a loaded
 * machine slows everyone): kafkajs's connection errors then are retries that will succeed, logged as info. A
 * broker still unreachable after this long is an error again, and the start's readiness wait reports it too.
 */
export const START_GRACE_MS = 60_000;

/** kafkajs's error or warning level, or info while the process is still within its start grace. */
export function startAwareLevel(level: logLevel, uptimeMs: number, graceMs = START_GRACE_MS): logLevel {
  if (uptimeMs >= graceMs || (level !== logLevel.ERROR && level !== logLevel.WARN)) return level;
  return logLevel.INFO;
}

interface LevelPolicy {
  graceMs: number;
  mostSevere: logLevel;
}

function toPino(logger: Logger, { namespace, level: logged, log }: LogEntry, policy: LevelPolicy): void {
  if (EXPECTED_WARNINGS.has(log.message)) return;
  const { message, timestamp: _timestamp, logger: _name, ...context } = log;
  // kafkajs numbers levels from ERROR = 1 up, so the less severe of two levels is the larger number.
  const capped = Math.max(logged, policy.mostSevere) as logLevel;
  const level = startAwareLevel(capped, process.uptime() * 1000, policy.graceMs);
  const fields = { kafkajs: namespace, ...context, ...(level !== capped ? { duringStart: true } : {}) };
  if (level === logLevel.ERROR) logger.error(fields, message);
  else if (level === logLevel.WARN) logger.warn(fields, message);
  else if (level === logLevel.INFO) logger.info(fields, message);
  else logger.debug(fields, message);
}

/** "host1:9092, host2:9092" → ["host1:9092", "host2:9092"]; rejects an entry without a port. */
export function parseBrokers(csv: string): string[] {
  const brokers = csv
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (brokers.length === 0) throw new Error("no Kafka brokers given: expected host:port[,host:port...]");
  for (const broker of brokers) {
    if (!/^[^:\s]+:\d{1,5}$/.test(broker))
      throw new Error(`not a Kafka broker address (host:port): ${broker}`);
  }
  return brokers;
}

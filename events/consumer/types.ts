// The consumer kit's public types: handlers per topic, options, and the running consumer's handle.
import type { Kafka } from "kafkajs";
import type { Logger } from "../../platform/logger.ts";
import type { DecodedEvent } from "../codec.ts";
import type { Db } from "../outbox/db.ts";
import type { Topic } from "../topics.ts";

/** Reacts to one event inside the transaction that also marks it processed; may enqueue follow-up events on `tx`. */
export type EventHandler<T extends Topic> = (event: DecodedEvent<T>, tx: Db) => Promise<void>;

export type ConsumerHandlers = Partial<{ [T in Topic]: EventHandler<T> }>;

export interface HandlerRetry {
  /** Tries in total, the first one included, before the message goes to the dead-letter topic. */
  attempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface ConsumerOptions {
  kafka: Kafka;
  groupId: string;
  db: Db;
  /** This subgraph's CloudEvents source, recorded on dead letters so one knows who gave up. */
  source: string;
  logger: Logger;
  handlers: ConsumerHandlers;
  retry?: HandlerRetry;
  /** Where a group with no committed offset starts. True: a new subgraph catches up on history. */
  fromBeginning?: boolean;
  sessionTimeout?: number;
  heartbeatInterval?: number;
  maxWaitTimeInMs?: number;
  /** Partitions used when the kit has to create a topic or its dead-letter topic. */
  partitions?: number;
  /**
   * How long an event id is remembered in processed_events (default 7 days). A redelivery or DLQ replay
   * older than this would be applied again.
   */
  processedRetentionMs?: number;
  /** Called after each handler transaction commits; wire it to the relay's wake() so follow-up events leave at once. */
  onCommitted?: () => void;
}

export interface ConsumerCounters {
  /** Messages handled to the end: applied, skipped as duplicates, or dead-lettered. */
  consumed: number;
  deadLettered: number;
  duplicates: number;
  /** Handler attempts that failed and were tried again. */
  retries: number;
}

export interface RunningConsumer {
  stop(): Promise<void>;
  readonly counters: ConsumerCounters;
}

export const DEFAULT_HANDLER_RETRY: HandlerRetry = { attempts: 5, initialDelayMs: 100, maxDelayMs: 5_000 };

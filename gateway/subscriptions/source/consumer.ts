// The gateway's one Kafka consumer: every @event topic, its own group (so every instance sees every event), from the latest offset.
import { type Consumer, type Kafka, type KafkaMessage, logLevel } from "kafkajs";
import { sleep } from "../../../events/backoff.ts";
import { createKafka } from "../../../events/kafka.ts";
import type { Logger } from "../../../platform/logger.ts";
import {
  commitPositionsPeriodically,
  DEFAULT_COMMIT_INTERVAL_MS,
  type PositionCommits,
} from "./position-commits.ts";
import type { LivePositions } from "./positions.ts";

export interface ConsumedRecord {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

export interface EventConsumerOptions {
  brokers: string[];
  clientId: string;
  groupId: string;
  logger: Logger;
  /** Called in Kafka order per partition; the next record of that partition waits for it. */
  onRecord(record: ConsumedRecord): Promise<void>;
  maxWaitTimeInMs?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  topicRefreshMs?: number;
  /** How often the group's committed offsets (read only by the consumer-lag metric) follow the live position. */
  commitIntervalMs?: number;
  /** Where each partition was left: a (re)started consumer continues from there, or from the end. */
  positions: LivePositions;
  /**
   * Records per partition read again before the start position, handed to `onRecord` at or below the
   * position (already handled): they seed the de-duplication window after a restart. 0: none.
   */
  lookBehind?: number;
}

/** A joined kafkajs consumer and the timer committing its position; both end together. */
interface RunningConsumer {
  consumer: Consumer;
  commits: PositionCommits;
}

export class EventConsumer {
  readonly kafka: Kafka;
  private desired: string[] = [];
  private stopping = new AbortController();
  /** Aborted to make the running consumer re-subscribe (topics changed or it crashed). */
  private restart = new AbortController();
  private loop: Promise<void> | undefined;
  private consuming!: Promise<void>;
  private markConsuming!: () => void;
  private consumed = true;
  /** Topics missing at an earlier attempt: once created, all of them is new, so they are read from the start. */
  private readonly awaited = new Set<string>();

  constructor(private readonly options: EventConsumerOptions) {
    this.kafka = createKafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logger: options.logger,
      level: options.logger.isLevelEnabled("debug") ? logLevel.INFO : logLevel.WARN,
      // A broker that is down makes kafkajs log an error per retry; the gateway keeps serving queries meanwhile.
      mostSevere: logLevel.WARN,
      // A broker on the same host answers a connect at once; failing fast lets the restart loop retry sooner.
      connectionTimeout: 1_000,
      retry: { retries: 5, initialRetryTime: 200, maxRetryTime: 5000 },
    });
    this.resetConsuming();
  }

  /** A re-subscription starts a new wait, unless the previous one is still pending. */
  private resetConsuming(): void {
    if (!this.consumed) return;
    this.consumed = false;
    this.consuming = new Promise((resolve) => {
      this.markConsuming = () => {
        this.consumed = true;
        resolve();
      };
    });
  }

  /** Resolves once the consumer joined its group and fetched, so later events will arrive. */
  whenConsuming(): Promise<void> {
    return this.consuming;
  }

  /** True while joined and positioned on every existing topic (false during a restart or re-subscription). */
  isConsuming(): boolean {
    return this.consumed;
  }

  /** The topics to follow; a change re-subscribes. */
  setTopics(topics: Iterable<string>): void {
    const next = [...new Set(topics)].sort();
    if (next.join() === this.desired.join()) return;
    this.desired = next;
    this.restart.abort();
    this.loop ??= this.run();
  }

  private async existingTopics(): Promise<string[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = this.desired.filter((t) => !existing.has(t));
      // Topics belong to their producers; the gateway waits for them rather than creating them with guessed settings.
      if (missing.length > 0)
        this.options.logger.warn({ missing }, "event topics do not exist yet; waiting for them");
      for (const topic of missing) this.awaited.add(topic);
      return this.desired.filter((t) => existing.has(t));
    } finally {
      await admin.disconnect();
    }
  }

  private async run(): Promise<void> {
    const { logger } = this.options;
    let backoff = 500;
    while (!this.stopping.signal.aborted) {
      this.restart = new AbortController();
      let consumer: RunningConsumer | undefined;
      try {
        const topics = await this.existingTopics();
        const refresh =
          topics.length < this.desired.length ? (this.options.topicRefreshMs ?? 10_000) : undefined;
        if (topics.length > 0) {
          consumer = await this.startConsumer(topics);
          backoff = 500;
        } else {
          // Nothing to position on: every topic that appears later is read from its start.
          this.resetConsuming();
          this.markConsuming();
        }
        // stop() aborts the pass's restart signal too, so this one wait also ends at shutdown.
        await sleep(refresh ?? 2 ** 31 - 1, this.restart.signal);
      } catch (error) {
        logger.warn({ err: error }, `kafka consumer failed; retrying in ${backoff} ms`);
        await sleep(backoff, this.stopping.signal);
        backoff = Math.min(backoff * 2, 10_000);
      } finally {
        await consumer?.commits.stop();
        await consumer?.consumer
          .disconnect()
          .catch((error) => logger.warn({ err: error }, "kafka consumer disconnect failed"));
      }
    }
  }

  private async startConsumer(topics: string[]): Promise<RunningConsumer> {
    const { options } = this;
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 250,
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3000,
      // kafkajs would restart itself from the group's committed offsets, or from the end where none was
      // committed yet: live delivery would skip what was produced meanwhile. This loop restarts it from the
      // positions it handled instead.
      retry: { restartOnFailure: async () => false },
    });
    this.resetConsuming();
    const restart = this.restart;
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      options.logger.warn({ err: payload.error }, "kafka consumer stopped; restarting from its positions");
      restart.abort();
    });
    let joined = false;
    consumer.on(consumer.events.GROUP_JOIN, () => {
      // A second join (the coordinator lost the group, say a broker restart) would fetch from committed
      // offsets too: start again from the positions instead.
      if (joined) restart.abort();
      joined = true;
    });
    consumer.on(consumer.events.FETCH, () => {
      if (joined) this.markConsuming();
    });
    const starts = await this.startOffsets(topics);
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: false });
    await consumer.run({
      // Commits follow on a timer (position-commits.ts): never a round trip between two fetches.
      autoCommit: false,
      partitionsConsumedConcurrently: 4,
      eachMessage: ({ topic, partition, message }) => options.onRecord({ topic, partition, message }),
    });
    // Explicit starts, not the group's "latest": cursors count on knowing exactly where live delivery began.
    for (const { topic, partition, offset } of starts) consumer.seek({ topic, partition, offset });
    options.logger.info({ topics, groupId: options.groupId }, "consuming event topics");
    const commits = commitPositionsPeriodically({
      consumer,
      topics,
      positions: options.positions,
      intervalMs: options.commitIntervalMs ?? DEFAULT_COMMIT_INTERVAL_MS,
      logger: options.logger,
    });
    return { consumer, commits };
  }

  /**
   * Each partition's next offset: after the last one handled, else the current end (nothing before is
   * live), or the start of a topic created while the gateway waited for it; minus the look-behind.
   */
  private async startOffsets(topics: string[]) {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const starts: { topic: string; partition: number; offset: string }[] = [];
      const lookBehind = BigInt(this.options.lookBehind ?? 0);
      for (const topic of topics) {
        const fresh = this.awaited.delete(topic);
        for (const { partition, high, low } of await admin.fetchTopicOffsets(topic)) {
          this.options.positions.initialise(topic, partition, BigInt(fresh ? low : high) - 1n);
          const last = this.options.positions.get(topic, partition) ?? BigInt(high) - 1n;
          const from = last + 1n - lookBehind;
          starts.push({ topic, partition, offset: String(from > BigInt(low) ? from : BigInt(low)) });
        }
      }
      return starts;
    } finally {
      await admin.disconnect();
    }
  }

  /** Leaves the group; gives up waiting after `timeoutMs` (a broker that is down keeps kafkajs retrying). */
  async stop(timeoutMs = 3000): Promise<void> {
    this.stopping.abort();
    this.restart.abort();
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([this.loop, gaveUp]);
    clearTimeout(timer);
  }
}

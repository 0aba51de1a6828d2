// Each gateway instance's own consumer of the invalidating topics: a group of its own (every instance sees
// every event), from the end, all partitions. Until it has joined and fetched, nothing is cached: an event it
// could miss would leave a stale entry.
import type { Consumer } from "kafkajs";
import { decodeEvent } from "../../events/codec.ts";
import { createKafka } from "../../events/kafka.ts";
import type { Topic } from "../../events/topics.ts";
import type { Logger } from "../../platform/logger.ts";
import { entityCacheInvalidationLag } from "../../platform/metrics/index.ts";
import { tagsToDrop } from "./invalidations.ts";
import type { EntityStore } from "./store.ts";

export interface InvalidationConsumerOptions {
  brokers: string[];
  clientId: string;
  groupId: string;
  topics: readonly Topic[];
  cachedTypes: readonly string[];
  store: EntityStore;
  logger: Logger;
  maxWaitTimeInMs?: number;
}

const RETRY_MS = 2_000;

/** An event this gateway consumed and the entries it dropped for it. */
export interface ConsumedInvalidation {
  topic: Topic;
  payload: unknown;
  tags: readonly string[];
}

export class InvalidationConsumer {
  private consumer: Consumer | undefined;
  private live = false;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly waiters: (() => void)[] = [];
  private readonly listeners = new Set<(consumed: ConsumedInvalidation) => void>();

  constructor(private readonly options: InvalidationConsumerOptions) {}

  /** True while every event on the topics reaches the store: only then may entries be read or written. */
  get consuming(): boolean {
    return this.live;
  }

  whenConsuming(): Promise<void> {
    if (this.live) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Called after each invalidating event is applied to both tiers; returns the unsubscribe. */
  onInvalidated(listener: (consumed: ConsumedInvalidation) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    if (this.stopped) return;
    void this.run().catch((error: unknown) => {
      if (this.stopped) return;
      this.options.logger.warn({ err: error }, "entity cache: invalidation consumer failed; retrying");
      this.down();
      this.retry = setTimeout(() => this.start(), RETRY_MS);
    });
  }

  private down(): void {
    this.live = false;
    // Events may be missed from now on: what the local tier holds can no longer be trusted.
    this.options.store.clear();
    const consumer = this.consumer;
    this.consumer = undefined;
    void consumer?.disconnect().catch(() => {});
  }

  private async run(): Promise<void> {
    const { options } = this;
    const kafka = createKafka({
      clientId: `${options.clientId}-entity-cache`,
      brokers: options.brokers,
      logger: options.logger,
      connectionTimeout: 1_000,
    });
    const consumer = kafka.consumer({
      groupId: options.groupId,
      maxWaitTimeInMs: options.maxWaitTimeInMs ?? 100,
      allowAutoTopicCreation: true,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.FETCH, () => {
      if (this.live || this.consumer !== consumer) return;
      this.live = true;
      for (const resolve of this.waiters.splice(0)) resolve();
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (this.consumer !== consumer || this.stopped) return;
      this.options.logger.warn(
        { err: payload.error },
        "entity cache: invalidation consumer crashed; restarting",
      );
      this.down();
      this.retry = setTimeout(() => this.start(), RETRY_MS);
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [...options.topics], fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        let event: ReturnType<typeof decodeEvent>;
        try {
          event = decodeEvent(topic, message);
        } catch {
          return;
        }
        const tags = tagsToDrop(event.topic, event.payload, options.cachedTypes);
        if (tags.length === 0) return;
        // The local tier drops before drop() first waits (on Redis): that moment is the lag measured.
        const shared = options.store.drop(tags);
        entityCacheInvalidationLag.observe(Math.max(0, Date.now() - event.time.getTime()) / 1000);
        await shared;
        for (const listener of this.listeners) listener({ topic: event.topic, payload: event.payload, tags });
      },
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.live = false;
    await this.consumer?.disconnect().catch(() => {});
    this.consumer = undefined;
  }
}

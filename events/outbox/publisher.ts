// One relay batch: unsent rows (read from the table, or handed over after commit) sent through one idempotent
// producer, then marked sent.
import { type Kafka, type Message, Partitioners, type Producer, type TopicMessages } from "kafkajs";
import type { Logger } from "../../platform/logger.ts";
import { ensureTopics } from "../admin.ts";
import { encodeEvent, payloadFromJson } from "../codec.ts";
import { isTopic } from "../topics.ts";
import { idsAtTheEnd } from "./already-sent.ts";
import type { Db } from "./db.ts";
import { markSent, nextUnsent } from "./queries.ts";
import type { OutboxRow } from "./schema.ts";

export interface PublisherOptions {
  db: Db;
  kafka: Kafka;
  source: string;
  logger: Logger;
  partitions?: number;
}

export class OutboxPublisher {
  private producer: Producer | null = null;
  private readonly knownTopics = new Set<string>();
  /** Rows that cannot be encoded: reported once, left in the table for a person to look at. */
  private readonly unpublishable = new Set<string>();

  constructor(private readonly options: PublisherOptions) {}

  /**
   * Reads and publishes up to `limit` rows in insertion order; answers how many were read, which were sent
   * and which were found already on Kafka. With `verify` (after a start or a failure, when the last send may
   * have landed unmarked) rows whose event id is at the end of their topic are marked sent, not sent again.
   * Throws if Kafka refuses.
   */
  async publishBatch(
    limit: number,
    verify = false,
  ): Promise<{ read: number; sent: readonly string[]; found: readonly string[] }> {
    const rows = await nextUnsent(this.options.db, limit);
    if (!verify || rows.length === 0)
      return { read: rows.length, sent: await this.publishRows(rows), found: [] };
    const onKafka = await idsAtTheEnd(this.options.kafka, [...new Set(rows.map((r) => r.topic))], limit * 2);
    const found = rows.filter((row) => onKafka.has(row.id)).map((row) => row.id);
    await markSent(this.options.db, found);
    const sent = await this.publishRows(rows.filter((row) => !onKafka.has(row.id)));
    return { read: rows.length, sent, found };
  }

  /**
   * Publishes rows the caller already holds (committed, in seq order), then marks them sent; returns the
   * ids sent. Rows that cannot be encoded are skipped and stay unsent. Throws if Kafka refuses.
   */
  async publishRows(rows: readonly OutboxRow[]): Promise<readonly string[]> {
    if (rows.length === 0) return [];
    const byTopic = new Map<string, Message[]>();
    const ids: string[] = [];
    for (const row of rows) {
      const message = this.encode(row);
      if (!message) continue;
      // Map keeps insertion order and each topic's array keeps seq order: per-key order survives grouping.
      const messages = byTopic.get(row.topic) ?? [];
      messages.push(message);
      byTopic.set(row.topic, messages);
      ids.push(row.id);
    }
    if (ids.length === 0) return [];
    const producer = await this.connectedProducer([...byTopic.keys()]);
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    await producer.sendBatch({ topicMessages, acks: -1 });
    // If this update fails the rows are sent again later: a duplicate with the same id, never a loss.
    await markSent(this.options.db, ids);
    return ids;
  }

  /** Drops the producer after a failure; the next batch starts a fresh one (and a fresh producer id). */
  async reset(): Promise<void> {
    const producer = this.producer;
    this.producer = null;
    await producer?.disconnect().catch(() => {});
  }

  private encode(row: OutboxRow): Message | null {
    try {
      if (!isTopic(row.topic)) throw new Error(`unknown topic ${row.topic}`);
      const { key, value, headers } = encodeEvent({
        id: row.id,
        topic: row.topic,
        key: row.key,
        payload: payloadFromJson(row.topic, row.payload),
        source: this.options.source,
        time: row.createdAt,
        extraHeaders: row.headers,
      });
      return { key, value, headers };
    } catch (error) {
      // Skipping one row is better than blocking every later event behind it; it stays unsent, visible in backlog().
      if (!this.unpublishable.has(row.id)) {
        this.unpublishable.add(row.id);
        this.options.logger.error(
          { err: error, eventId: row.id, topic: row.topic },
          "outbox row cannot be encoded",
        );
      }
      return null;
    }
  }

  private async connectedProducer(topics: string[]): Promise<Producer> {
    const { kafka, partitions } = this.options;
    const unknown = topics.filter((topic) => !this.knownTopics.has(topic));
    if (unknown.length > 0) {
      await ensureTopics(kafka, unknown, { partitions });
      for (const topic of unknown) this.knownTopics.add(topic);
    }
    if (this.producer) return this.producer;
    const producer = kafka.producer({
      // Idempotence + one request in flight: a retried request cannot duplicate or reorder messages.
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java-compatible murmur2, the same key → partition mapping as any other Kafka client (and no v2 warning).
      createPartitioner: Partitioners.DefaultPartitioner,
      // Bounded, so a send fails during an outage and the relay's own backoff (and stop()) takes over.
      retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => {});
      throw error;
    }
    this.producer = producer;
    return producer;
  }
}

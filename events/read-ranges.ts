// Reads known offset ranges of some partitions once, with a short-lived consumer of its own: the outbox relay
// looking for what it already sent, the gateway replaying what a resuming subscriber missed.
import { randomUUID } from "node:crypto";
import type { Kafka, KafkaMessage } from "kafkajs";

/** Offsets `start` to `end` of one partition, both included. */
export interface PartitionRange {
  topic: string;
  partition: number;
  start: bigint;
  end: bigint;
}

export interface ReadRangesOptions {
  /** The throwaway group's name starts with this; a random suffix keeps it apart from every real consumer. */
  groupPrefix: string;
  /** Each record within its range, in offset order per partition. */
  onRecord(topic: string, partition: number, message: KafkaMessage): void;
  /** Ends the read early, keeping what was read (the reader no longer needs the rest). */
  signal?: AbortSignal;
  /** Asked with every record: true ends the read early, as an abort does. */
  stopped?: () => boolean;
  timeoutMs: number;
  /** The error's message when the ranges were not read within `timeoutMs`. */
  timeoutMessage: string;
}

/** Resolves once every range was read to its end (or the read was ended early); rejects on timeout. */
export async function readRanges(
  kafka: Kafka,
  ranges: readonly PartitionRange[],
  options: ReadRangesOptions,
): Promise<void> {
  const pending = new Map(
    ranges.filter((r) => r.end >= r.start).map((range) => [`${range.topic}/${range.partition}`, range]),
  );
  if (pending.size === 0 || options.signal?.aborted) return;
  const consumer = kafka.consumer({
    groupId: `${options.groupPrefix}-${randomUUID()}`,
    maxWaitTimeInMs: 100,
  });
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const timer = setTimeout(() => fail(new Error(options.timeoutMessage)), options.timeoutMs);
  const abort = () => finish();
  options.signal?.addEventListener("abort", abort, { once: true });
  try {
    await consumer.connect();
    // Commits nothing: it must not disturb any real consumer's group.
    await consumer.subscribe({ topics: [...new Set([...pending.values()].map((r) => r.topic))] });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const key = `${topic}/${partition}`;
        const range = pending.get(key);
        if (!range || options.signal?.aborted) return;
        if (options.stopped?.()) return finish();
        const offset = BigInt(message.offset);
        if (offset >= range.start && offset <= range.end) options.onRecord(topic, partition, message);
        if (offset >= range.end) {
          pending.delete(key);
          if (pending.size === 0) finish();
        }
      },
    });
    for (const { topic, partition, start } of pending.values())
      consumer.seek({ topic, partition, offset: String(start) });
    await done;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", abort);
    await consumer.disconnect().catch(() => undefined);
  }
}

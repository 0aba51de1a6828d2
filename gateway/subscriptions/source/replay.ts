// Reads a range of a topic's partitions with a short-lived consumer: the events a resuming subscriber missed.
import { randomUUID } from "node:crypto";
import type { Kafka, KafkaMessage } from "kafkajs";

export interface ReplayRange {
  kafka: Kafka;
  topic: string;
  /** Per partition: the last offset the subscriber has (exclusive start). */
  from: ReadonlyMap<number, bigint>;
  /** Per partition: the live consumer's position when the subscriber joined (inclusive end). */
  to: ReadonlyMap<number, bigint>;
  signal: AbortSignal;
  /** Checked with every record: true ends the read early (the subscriber left). */
  stopped?: () => boolean;
  timeoutMs?: number;
}

/**
 * Every record of the range, per partition in offset order. The whole range is read before any of it is
 * delivered, so the partitions can be merged back into publish order; its size is bounded at subscribe
 * time (SUBSCRIPTION_MAX_REPLAY_EVENTS). An abort ends the read early with what was read.
 */
export async function readRange(range: ReplayRange): Promise<Map<number, KafkaMessage[]>> {
  const records = new Map<number, KafkaMessage[]>();
  const pending = new Map<number, bigint>();
  for (const [partition, end] of range.to) {
    const start = range.from.get(partition);
    if (start !== undefined && end > start) {
      pending.set(partition, end);
      records.set(partition, []);
    }
  }
  if (pending.size === 0) return records;
  // Its own throwaway group: it must not take partitions from the live consumer's group.
  const consumer = range.kafka.consumer({
    groupId: `tributary-gateway-replay-${randomUUID()}`,
    maxWaitTimeInMs: 100,
  });
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const timer = setTimeout(
    () => fail(new Error(`replay of ${range.topic} did not finish in time`)),
    range.timeoutMs ?? 30_000,
  );
  const abort = () => finish();
  range.signal.addEventListener("abort", abort, { once: true });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [range.topic], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const end = pending.get(partition);
        if (end === undefined || range.signal.aborted) return;
        if (range.stopped?.()) return finish();
        const offset = BigInt(message.offset);
        if (offset <= end) records.get(partition)!.push(message);
        if (offset >= end) {
          pending.delete(partition);
          if (pending.size === 0) finish();
        }
      },
    });
    for (const partition of pending.keys()) {
      const start = (range.from.get(partition) ?? -1n) + 1n;
      consumer.seek({ topic: range.topic, partition, offset: String(start) });
    }
    await done;
    return records;
  } finally {
    clearTimeout(timer);
    range.signal.removeEventListener("abort", abort);
    await consumer.disconnect().catch(() => undefined);
  }
}

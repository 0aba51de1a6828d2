// The range of a topic's partitions a resuming subscriber missed, read with the event kit's range reader.
import type { Kafka, KafkaMessage } from "kafkajs";
import { type PartitionRange, readRanges } from "../../../events/read-ranges.ts";

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
  const partitions: PartitionRange[] = [];
  for (const [partition, end] of range.to) {
    const last = range.from.get(partition);
    if (last === undefined || end <= last) continue;
    records.set(partition, []);
    partitions.push({ topic: range.topic, partition, start: last + 1n, end });
  }
  await readRanges(range.kafka, partitions, {
    // Its own throwaway group: it must not take partitions from the live consumer's group.
    groupPrefix: "tributary-gateway-replay",
    onRecord: (_topic, partition, message) => records.get(partition)?.push(message),
    signal: range.signal,
    stopped: range.stopped,
    timeoutMs: range.timeoutMs ?? 30_000,
    timeoutMessage: `replay of ${range.topic} did not finish in time`,
  });
  return records;
}

// After a crash or a failed request the relay cannot know whether Kafka kept what it last sent: a row marked
// unsent may already be on its topic. Reading the end of those topics for the rows' event ids tells, so the
// relay marks them sent instead of sending them again.
import type { Kafka } from "kafkajs";
import { type PartitionRange, readRanges } from "../read-ranges.ts";

/**
 * The event ids (`ce_id`) among the last `perPartition` records of every partition of `topics`.
 * Only this relay produces to its topics, so a row it sent but could not mark is within its last batch there.
 */
export async function idsAtTheEnd(
  kafka: Kafka,
  topics: readonly string[],
  perPartition: number,
  timeoutMs = 15_000,
): Promise<Set<string>> {
  const ids = new Set<string>();
  const tails = await tailsOf(kafka, topics, BigInt(perPartition));
  await readRanges(kafka, tails, {
    groupPrefix: "tributary-outbox-check",
    onRecord(_topic, _partition, message) {
      const id = message.headers?.ce_id;
      if (id !== undefined) ids.add(String(Array.isArray(id) ? id.at(-1) : id));
    },
    timeoutMs,
    timeoutMessage: "reading the end of the outbox topics timed out",
  });
  return ids;
}

/** Each non-empty partition's last `count` offsets; topics that do not exist yet have nothing to find. */
async function tailsOf(kafka: Kafka, topics: readonly string[], count: bigint): Promise<PartitionRange[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const tails: PartitionRange[] = [];
    for (const topic of topics.filter((t) => existing.has(t))) {
      for (const { partition, low, high } of await admin.fetchTopicOffsets(topic)) {
        const [first, next] = [BigInt(low), BigInt(high)];
        if (next <= first) continue;
        const start = next - count > first ? next - count : first;
        tails.push({ topic, partition, start, end: next - 1n });
      }
    }
    return tails;
  } finally {
    await admin.disconnect();
  }
}

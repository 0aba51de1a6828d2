// Creating topics up front with a fixed partition count, so producers and consumers never race auto-creation.
import type { Kafka } from "kafkajs";

/** Three partitions: enough for a consumer group of three to share a topic, few enough for an embedded broker. */
export const DEFAULT_PARTITIONS = 3;

export interface EnsureTopicsOptions {
  partitions?: number;
}

/** Creates whichever of `topics` do not exist yet; safe to call from many processes at once. */
export async function ensureTopics(
  kafka: Kafka,
  topics: Iterable<string>,
  { partitions = DEFAULT_PARTITIONS }: EnsureTopicsOptions = {},
): Promise<void> {
  const wanted = [...new Set(topics)];
  if (wanted.length === 0) return;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = wanted.filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    // kafkajs resolves to false (no throw) when another process created them first.
    await admin.createTopics({
      topics: missing.map((topic) => ({ topic, numPartitions: partitions })),
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

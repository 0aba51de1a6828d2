// After a crash or a failed request the relay cannot know whether Kafka kept what it last sent: a row marked
// unsent may already be on its topic. Reading the end of those topics for the rows' event ids tells, so the
// relay marks them sent instead of sending them again.
import { randomUUID } from "node:crypto";
import type { Kafka } from "kafkajs";

interface Tail {
  topic: string;
  partition: number;
  start: bigint;
  end: bigint;
}

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
  if (tails.length === 0) return ids;
  const pending = new Map(tails.map((tail) => [`${tail.topic}/${tail.partition}`, tail]));
  // A throwaway group that commits nothing: it must not disturb any real consumer.
  const consumer = kafka.consumer({
    groupId: `tributary-outbox-check-${randomUUID()}`,
    maxWaitTimeInMs: 100,
  });
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const timer = setTimeout(
    () => fail(new Error("reading the end of the outbox topics timed out")),
    timeoutMs,
  );
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set(tails.map((t) => t.topic))], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const tail = pending.get(`${topic}/${partition}`);
        if (!tail) return;
        const offset = BigInt(message.offset);
        const id = message.headers?.ce_id;
        if (offset >= tail.start && id !== undefined) ids.add(String(Array.isArray(id) ? id.at(-1) : id));
        if (offset >= tail.end) {
          pending.delete(`${topic}/${partition}`);
          if (pending.size === 0) finish();
        }
      },
    });
    for (const { topic, partition, start } of tails)
      consumer.seek({ topic, partition, offset: String(start) });
    await done;
    return ids;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
  }
}

/** Each non-empty partition's last `count` offsets; topics that do not exist yet have nothing to find. */
async function tailsOf(kafka: Kafka, topics: readonly string[], count: bigint): Promise<Tail[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const tails: Tail[] = [];
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

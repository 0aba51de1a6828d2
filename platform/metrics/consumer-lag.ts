// Samples a consumer group's lag with the Kafka admin client: high watermark minus committed offset, per partition.
import type { Admin, Kafka } from "kafkajs";
import type { Logger } from "../logger.ts";
import { consumerLag } from "./registry.ts";

export interface LagSamplerOptions {
  kafka: Kafka;
  groupId: string;
  /** A function when the topics change while running (the gateway follows the supergraph's @event topics). */
  topics: readonly string[] | (() => readonly string[]);
  /**
   * Where the group starts on a partition it never committed: from the beginning (the subgraphs' groups,
   * so everything retained is lag), or at the end (the gateway's, which only wants what arrives after it).
   */
  fromBeginning?: boolean;
  /** Two small admin requests per topic each period; 15 s is finer than most scrape intervals need. */
  intervalMs?: number;
  logger: Logger;
}

export interface LagSampler {
  /** Samples now; the timer calls this too. */
  sample(): Promise<void>;
  stop(): Promise<void>;
}

export function sampleConsumerLag(options: LagSamplerOptions): LagSampler {
  const { kafka, groupId, intervalMs = 15_000, fromBeginning = true } = options;
  const currentTopics = () => (typeof options.topics === "function" ? options.topics() : options.topics);
  let admin: Admin | null = null;
  let warned = false;

  async function sample(): Promise<void> {
    const topics = currentTopics();
    if (topics.length === 0) return;
    try {
      if (!admin) {
        const fresh = kafka.admin();
        await fresh.connect();
        admin = fresh;
      }
      // A topic that does not exist yet (the gateway waits for its producers to create them) would fail the
      // whole request; the others still have lag worth reporting.
      const existing = new Set(await admin.listTopics());
      const present = topics.filter((topic) => existing.has(topic));
      if (present.length === 0) return;
      const committed = await admin.fetchOffsets({ groupId, topics: present });
      for (const { topic, partitions } of committed) {
        const watermarks = await admin.fetchTopicOffsets(topic);
        for (const { partition, high, low } of watermarks) {
          const offset = partitions.find((p) => p.partition === partition)?.offset ?? "-1";
          // No commit yet: everything still retained is lag, unless the group starts at the end.
          const from = Number(offset) >= 0 ? Number(offset) : Number(fromBeginning ? low : high);
          consumerLag.set(
            { group: groupId, topic, partition: String(partition) },
            Math.max(0, Number(high) - from),
          );
        }
      }
      warned = false;
    } catch (error) {
      // A broker outage shows up elsewhere; one warning per outage is enough here.
      if (!warned) options.logger.warn({ err: error, groupId }, "could not sample consumer lag");
      warned = true;
      await admin?.disconnect().catch(() => {});
      admin = null;
    }
  }

  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    running ??= sample().finally(() => {
      running = null;
    });
  }, intervalMs);
  timer.unref();

  return {
    sample,
    async stop() {
      clearInterval(timer);
      await running;
      await admin?.disconnect().catch(() => {});
      admin = null;
    },
  };
}

// Reading what reached a topic: every record a consumer processes, collected into an array a test can inspect.
import type { Consumer, Kafka } from "kafkajs";
import { fastConsumer } from "./broker.ts";

export interface Received {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

/** Runs `consumer` on `topics` from the beginning, pushing into `into` every record that `keep` accepts. */
export async function collect(
  consumer: Consumer,
  topics: string[],
  into: Received[],
  keep: (record: Received) => boolean = () => true,
): Promise<void> {
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
      const record = {
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        value: message.value,
        headers,
      };
      if (keep(record)) into.push(record);
    },
  });
}

/**
 * Reads `topics` from the beginning with a throwaway group, collecting each record of the log once.
 * The collector is itself an at-least-once consumer (a broker restart can redeliver what it read but had not
 * committed), so it skips offsets it has seen: what it collects is the log, and a duplicate in it is a real one.
 */
export async function collectMessages(kafka: Kafka, topics: string[], into: Received[]): Promise<Consumer> {
  const consumer = kafka.consumer({
    groupId: `collector-${Math.random().toString(36).slice(2)}`,
    ...fastConsumer,
  });
  const seen = new Set<string>();
  await consumer.connect();
  await collect(consumer, topics, into, ({ topic, partition, offset }) => {
    const position = `${topic}/${partition}/${offset}`;
    if (seen.has(position)) return false;
    seen.add(position);
    return true;
  });
  return consumer;
}

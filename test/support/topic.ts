// Reads a topic from the beginning up to its current end, as a test checking what was published needs.
import { randomUUID } from "node:crypto";
import type { KafkaMessage } from "kafkajs";
import { createKafka } from "../../events/kafka.ts";

export async function readTopic(brokers: string[], topic: string): Promise<KafkaMessage[]> {
  const kafka = createKafka({ brokers, clientId: "test-reader" });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `test-reader-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const messages: KafkaMessage[] = [];
  const read = new Map<number, number>();
  const caughtUp = () => ends.every((p) => (read.get(p.partition) ?? 0) >= Number(p.high));
  await new Promise<void>((resolve) => {
    if (caughtUp()) resolve();
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push(message);
        read.set(partition, Number(message.offset) + 1);
        if (caughtUp()) resolve();
      },
    });
  });
  await consumer.disconnect();
  return messages;
}

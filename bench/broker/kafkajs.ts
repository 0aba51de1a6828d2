// kafkajs throughput: a producer sending 1 KiB records in batches of 1,000 (acks=-1, 4 in flight),
// then a consumer group reading them all back.

import { Kafka, logLevel } from "kafkajs";
import type { BrokerProcess } from "./broker-process.ts";

export const VALUE = Buffer.alloc(1024, "x");
const IN_FLIGHT = 4;

function kafka(broker: BrokerProcess): Kafka {
  return new Kafka({
    clientId: "bench",
    brokers: [`${broker.host}:${broker.port}`],
    logLevel: logLevel.NOTHING,
  });
}

export async function kafkajsProduce(broker: BrokerProcess, topic: string, total: number): Promise<number> {
  const producer = kafka(broker).producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ value: VALUE }] });
  const batch = Array.from({ length: 1000 }, (_, i) => ({ key: `k${i}`, value: VALUE }));
  const started = performance.now();
  // A few sends in flight, as an application producing concurrently would: kafkajs encodes the next
  // batch while the broker appends and fsyncs the previous one.
  let sent = 0;
  const lane = async () => {
    while (sent < total) {
      sent += batch.length;
      await producer.send({ topic, acks: -1, messages: batch });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const seconds = (performance.now() - started) / 1000;
  await producer.disconnect();
  return total / seconds;
}

export async function kafkajsConsume(broker: BrokerProcess, topic: string, total: number): Promise<number> {
  const consumer = kafka(broker).consumer({
    groupId: `bench-${topic}`,
    maxWaitTimeInMs: 100,
    maxBytes: 50 << 20,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let seen = 0;
  let started = 0;
  const seconds = await new Promise<number>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        if (started === 0) started = performance.now();
        seen += batch.messages.length;
        if (seen >= total) resolve((performance.now() - started) / 1000);
      },
    });
  });
  await consumer.disconnect();
  return seen / seconds;
}

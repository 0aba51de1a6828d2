// The embedded broker on a free port, topics created up front, and a producer speaking the event kit's codec.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka, logLevel, type Producer } from "kafkajs";
import { silentLogger, startBroker } from "../../events/broker/index.ts";
import { type EncodeInput, encodeEvent } from "../../events/codec.ts";
import type { Topic } from "../../events/topics.ts";

export interface TestKafka {
  brokers: string;
  /** Produces one event to partition 0, so several events keep their order. */
  produce<T extends Topic>(topic: T, payload: EncodeInput<T>["payload"], key?: string): Promise<void>;
  /** Produces one event exactly as given (id, partition, time): re-sent copies, skewed partitions; returns its offset. */
  produceEvent<T extends Topic>(topic: T, event: ExactEvent<T>): Promise<bigint>;
  /** Creates a topic later, as a producer does with its first event. */
  createTopic(topic: Topic): Promise<void>;
  stop(): Promise<void>;
}

export interface ExactEvent<T extends Topic> {
  id: string;
  payload: EncodeInput<T>["payload"];
  partition: number;
  key?: string;
  time?: Date;
}

export async function startTestKafka(topics: Topic[], partitions = 2): Promise<TestKafka> {
  const dataDir = await mkdtemp(join(tmpdir(), "tributary-gateway-broker-"));
  const broker = await startBroker({
    port: 0,
    host: "127.0.0.1",
    dataDir,
    logger: silentLogger,
    fsync: 1000,
  });
  const kafka = new Kafka({
    clientId: "gateway-test",
    brokers: [`127.0.0.1:${broker.port}`],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: partitions })) });
  await admin.disconnect();
  const producer: Producer = kafka.producer();
  await producer.connect();
  let n = 0;
  return {
    brokers: `127.0.0.1:${broker.port}`,
    async produce(topic, payload, key = "test") {
      const encoded = encodeEvent({ id: `evt-${++n}`, topic, key, payload, source: "/subgraphs/test" });
      await producer.send({ topic, messages: [{ ...encoded, partition: 0 }] });
    },
    async produceEvent(topic, { id, payload, partition, key = "test", time }) {
      const encoded = encodeEvent({ id, topic, key, payload, source: "/subgraphs/test", time });
      const [ack] = await producer.send({ topic, messages: [{ ...encoded, partition }] });
      return BigInt(ack!.baseOffset!);
    },
    async createTopic(topic) {
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
      await admin.disconnect();
    },
    async stop() {
      await producer.disconnect();
      await broker.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// Producing events as the outbox relay would (the event kit's codec), for tests of what consumes them.
import type { Producer } from "kafkajs";
import { type EncodeInput, encodeEvent } from "../codec.ts";
import type { Topic } from "../topics.ts";
import { testKafka } from "./broker.ts";

export interface ExactEvent<T extends Topic> {
  id: string;
  payload: EncodeInput<T>["payload"];
  partition: number;
  key?: string;
  time?: Date;
}

export interface TestEventProducer {
  /** Produces one event to partition 0, so several events keep their order. */
  produce<T extends Topic>(topic: T, payload: EncodeInput<T>["payload"], key?: string): Promise<void>;
  /** Produces one event exactly as given (id, partition, time): re-sent copies, skewed partitions; returns its offset. */
  produceEvent<T extends Topic>(topic: T, event: ExactEvent<T>): Promise<bigint>;
  stop(): Promise<void>;
}

export async function startEventProducer(address: string): Promise<TestEventProducer> {
  const producer: Producer = testKafka(address, "test-events").producer();
  await producer.connect();
  let sent = 0;
  const source = "/subgraphs/test";
  return {
    async produce(topic, payload, key = "test") {
      const encoded = encodeEvent({ id: `evt-${++sent}`, topic, key, payload, source });
      await producer.send({ topic, messages: [{ ...encoded, partition: 0 }] });
    },
    async produceEvent(topic, { id, payload, partition, key = "test", time }) {
      const encoded = encodeEvent({ id, topic, key, payload, source, time });
      const [ack] = await producer.send({ topic, messages: [{ ...encoded, partition }] });
      return BigInt(ack!.baseOffset!);
    },
    stop: () => producer.disconnect(),
  };
}

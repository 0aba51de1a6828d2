import type { Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBroker, type TestBroker, testKafka } from "../../events/testing/broker.ts";
import { silentLogger } from "../logger.ts";
import { sampleConsumerLag } from "./consumer-lag.ts";
import { consumerLag } from "./registry.ts";

const TOPIC = "lag.sampled";

/** The gauge's value for one group and partition 0, undefined when it has no such series. */
async function lagOf(group: string): Promise<number | undefined> {
  const { values } = await consumerLag.get();
  return values.find(
    (v) => v.labels.group === group && v.labels.topic === TOPIC && v.labels.partition === "0",
  )?.value;
}

describe("consumer lag, sampled with the admin client", () => {
  let broker: TestBroker;
  let kafka: Kafka;
  beforeAll(async () => {
    broker = await startTestBroker();
    kafka = testKafka(broker.address, "lag-test");
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 1 }] });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: TOPIC, messages: ["a", "b", "c", "d"].map((value) => ({ value })) });
    await producer.disconnect();
  });
  afterAll(() => broker?.stop());

  async function sampleOnce(groupId: string, options: { fromBeginning?: boolean; topics?: string[] } = {}) {
    const sampler = sampleConsumerLag({
      kafka,
      groupId,
      topics: () => options.topics ?? [TOPIC],
      intervalMs: 60_000,
      logger: silentLogger,
      fromBeginning: options.fromBeginning,
    });
    await sampler.sample();
    await sampler.stop();
  }

  it("counts every retained record for a group that starts from the beginning and never committed", async () => {
    await sampleOnce("lag-from-beginning");
    expect(await lagOf("lag-from-beginning")).toBe(4);
  });

  it("counts nothing for a group that starts at the end (the gateway's) until it commits", async () => {
    await sampleOnce("lag-from-end", { fromBeginning: false });
    expect(await lagOf("lag-from-end")).toBe(0);
  });

  it("measures from the committed offset once there is one", async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({
      groupId: "lag-committed",
      topic: TOPIC,
      partitions: [{ partition: 0, offset: "1" }],
    });
    await admin.disconnect();
    await sampleOnce("lag-committed", { fromBeginning: false });
    expect(await lagOf("lag-committed")).toBe(3);
  });

  it("still reports the topics that exist when another one does not exist yet", async () => {
    await sampleOnce("lag-partly-missing", { topics: ["lag.not-created-yet", TOPIC] });
    expect(await lagOf("lag-partly-missing")).toBe(4);
  });
});

// kafkajs admin against the broker: topic lifecycle, metadata, offsets, groups, and error codes
// for things that do not exist.

import type { Admin } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fastConsumer, startTestBroker, type TestBroker, testKafka } from "../testing/broker.ts";
import { waitFor } from "../testing/wait.ts";

describe("the broker with the kafkajs admin client", () => {
  let broker: TestBroker;
  let admin: Admin;

  beforeAll(async () => {
    broker = await startTestBroker({ autoCreateTopics: false });
    admin = testKafka(broker.address).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.disconnect();
    await broker.stop();
  });

  it("creates topics with the requested partition count and refuses duplicates", async () => {
    expect(await admin.createTopics({ topics: [{ topic: "users", numPartitions: 6 }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: "users", numPartitions: 6 }] })).toBe(false);
    const { topics } = await admin.fetchTopicMetadata({ topics: ["users"] });
    expect(topics[0]!.partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(topics[0]!.partitions[0]).toMatchObject({ leader: 0, replicas: [0], isr: [0] });
  });

  it("advertises the port it actually bound, not the 0 it was given", async () => {
    const { brokers } = await admin.describeCluster();
    expect(brokers).toEqual([{ nodeId: 0, host: "127.0.0.1", port: broker.port }]);
  });

  it("rejects invalid topic names and replication factors", async () => {
    await expect(admin.createTopics({ topics: [{ topic: "bad name!" }] })).rejects.toThrow();
    await expect(
      admin.createTopics({ topics: [{ topic: "replicated", replicationFactor: 3 }] }),
    ).rejects.toThrow();
  });

  it("reports low and high watermarks per partition", async () => {
    await admin.createTopics({ topics: [{ topic: "counted", numPartitions: 2 }] });
    const producer = testKafka(broker.address).producer();
    await producer.connect();
    await producer.send({
      topic: "counted",
      messages: [
        { value: "a", partition: 1 },
        { value: "b", partition: 1 },
      ],
    });
    await producer.disconnect();
    const offsets = await admin.fetchTopicOffsets("counted");
    expect(offsets.sort((a, b) => a.partition - b.partition)).toMatchObject([
      { partition: 0, low: "0", high: "0" },
      { partition: 1, low: "0", high: "2" },
    ]);
  });

  it("deletes topics, after which producing to them fails", async () => {
    await admin.createTopics({ topics: [{ topic: "doomed" }] });
    await admin.deleteTopics({ topics: ["doomed"] });
    expect(await admin.listTopics()).not.toContain("doomed");
    const producer = testKafka(broker.address).producer({
      allowAutoTopicCreation: false,
      retry: { retries: 0 },
    });
    await producer.connect();
    await expect(producer.send({ topic: "doomed", messages: [{ value: "x" }] })).rejects.toThrow();
    await producer.disconnect();
  });

  it("describes a live group and its committed offsets, and calls an unknown group Dead", async () => {
    await admin.createTopics({ topics: [{ topic: "described", numPartitions: 1 }] });
    const consumer = testKafka(broker.address, "describer").consumer({
      groupId: "describers",
      ...fastConsumer,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: "described", fromBeginning: true });
    let seen = 0;
    await consumer.run({ eachMessage: async () => void seen++ });
    const producer = testKafka(broker.address).producer();
    await producer.connect();
    await producer.send({ topic: "described", messages: [{ value: "1" }, { value: "2" }] });
    await producer.disconnect();
    await waitFor(() => seen === 2, "two messages", 15_000);
    const { groups } = await admin.describeGroups(["describers", "nobody"]);
    expect(groups[0]).toMatchObject({
      groupId: "describers",
      state: "Stable",
      protocol: "RoundRobinAssigner",
    });
    expect(groups[0]!.members[0]).toMatchObject({ clientId: "describer" });
    expect(groups[1]).toMatchObject({ groupId: "nobody", state: "Dead" });
    await consumer.disconnect();
    const committed = await admin.fetchOffsets({ groupId: "describers", topics: ["described"] });
    expect(committed[0]!.partitions).toEqual([{ partition: 0, offset: "2", metadata: null }]);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).toContain("describers");
  });
});

// A two-member kafkajs consumer group rebalancing as members join and leave:
// every record is processed, and none is processed by both members once its offset is committed.

import type { Consumer, Producer } from "kafkajs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fastConsumer, startTestBroker, type TestBroker, testKafka } from "../testing/broker.ts";
import { waitFor } from "../testing/wait.ts";

interface Worker {
  consumer: Consumer;
  values: string[];
  partitions: number[];
}

describe("a consumer group with two kafkajs members", () => {
  let broker: TestBroker;
  let producer: Producer;
  const workers: Worker[] = [];

  beforeEach(async () => {
    broker = await startTestBroker();
    const admin = testKafka(broker.address).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "jobs", numPartitions: 4 }] });
    await admin.disconnect();
    producer = testKafka(broker.address).producer();
    await producer.connect();
  });

  afterEach(async () => {
    for (const w of workers.splice(0)) await w.consumer.disconnect();
    await producer.disconnect();
    await broker.stop();
  });

  async function startWorker(name: string): Promise<Worker> {
    const consumer = testKafka(broker.address, name).consumer({ groupId: "workers", ...fastConsumer });
    const worker: Worker = { consumer, values: [], partitions: [] };
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      worker.partitions = payload.memberAssignment.jobs ?? [];
    });
    await consumer.connect();
    await consumer.subscribe({ topic: "jobs", fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void worker.values.push(String(message.value)),
    });
    workers.push(worker);
    return worker;
  }

  async function produce(from: number, count: number): Promise<void> {
    const messages = Array.from({ length: count }, (_, i) => ({
      key: `k${from + i}`,
      value: String(from + i),
    }));
    await producer.send({ topic: "jobs", messages });
  }

  const processed = () => workers.flatMap((w) => w.values);

  it("splits partitions on join, takes them back on leave, and loses or repeats nothing", async () => {
    const a = await startWorker("a");
    await produce(0, 200);
    await waitFor(() => a.values.length === 200, "a to drain the first batch", 15_000);
    expect(a.partitions.sort()).toEqual([0, 1, 2, 3]);

    const b = await startWorker("b");
    await waitFor(
      () => b.partitions.length === 2 && a.partitions.length === 2,
      "the group to rebalance to two members",
      15_000,
    );
    expect([...a.partitions, ...b.partitions].sort()).toEqual([0, 1, 2, 3]);

    await produce(200, 200);
    await waitFor(() => processed().length >= 400, "both members to drain the second batch", 15_000);
    expect(b.values.length).toBeGreaterThan(0);

    await b.consumer.disconnect();
    workers.splice(workers.indexOf(b), 1);
    await waitFor(() => a.partitions.length === 4, "a to take every partition back", 15_000);

    await produce(400, 200);
    const all = () => [...a.values, ...b.values];
    await waitFor(() => new Set(all()).size === 600, "all 600 records", 15_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(all()).toHaveLength(600);
    expect(new Set(all()).size).toBe(600);
  });

  it("describes the group with both members and their assignments", async () => {
    await startWorker("a");
    await startWorker("b");
    const admin = testKafka(broker.address).admin();
    await admin.connect();
    await waitFor(() => workers.every((w) => w.partitions.length === 2), "two balanced members", 15_000);
    const { groups } = await admin.describeGroups(["workers"]);
    await admin.disconnect();
    expect(groups[0]).toMatchObject({ groupId: "workers", state: "Stable", protocolType: "consumer" });
    expect(groups[0]!.members).toHaveLength(2);
    expect(groups[0]!.members.map((m) => m.clientId).sort()).toEqual(["a", "b"]);
  });
});

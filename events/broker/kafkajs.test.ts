// Unmodified kafkajs against the broker over TCP: the produce/consume paths Tributary relies on.

import { CompressionTypes, type Consumer, type Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fastConsumer, startTestBroker, type TestBroker, testKafka } from "../testing/broker.ts";
import { collect, type Received } from "../testing/records.ts";
import { waitFor } from "../testing/wait.ts";

describe("the broker with kafkajs", () => {
  let broker: TestBroker;
  let producer: Producer;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    broker = await startTestBroker();
    producer = testKafka(broker.address).producer();
    await producer.connect();
  });

  afterAll(async () => {
    for (const c of consumers) await c.disconnect();
    await producer.disconnect();
    await broker.stop();
  });

  function consumer(groupId: string): Consumer {
    const c = testKafka(broker.address).consumer({ groupId, ...fastConsumer });
    consumers.push(c);
    return c;
  }

  it("delivers keys, values and headers exactly as produced", async () => {
    await producer.send({
      topic: "orders",
      messages: [
        { key: "a", value: "one", headers: { trace: "t1", kind: "created" } },
        { key: null, value: "two" },
        { key: "c", value: null },
      ],
    });
    const seen: Received[] = [];
    const c = consumer("orders-reader");
    await c.connect();
    await collect(c, ["orders"], seen);
    await waitFor(() => seen.length === 3, "three messages", 15_000);
    const byValue = new Map(seen.map((s) => [s.value?.toString() ?? null, s]));
    expect(byValue.get("one")).toMatchObject({ key: "a", headers: { trace: "t1", kind: "created" } });
    expect(byValue.get("two")).toMatchObject({ key: null, headers: {} });
    expect(byValue.get(null)).toMatchObject({ key: "c" });
  });

  it("reads gzip-compressed batches and keeps order within each partition", async () => {
    const messages = Array.from({ length: 600 }, (_, i) => ({ key: `k${i % 7}`, value: String(i) }));
    for (let i = 0; i < messages.length; i += 200) {
      await producer.send({
        topic: "ordered",
        compression: CompressionTypes.GZIP,
        messages: messages.slice(i, i + 200),
      });
    }
    const seen: Received[] = [];
    const c = consumer("ordered-reader");
    await c.connect();
    await collect(c, ["ordered"], seen);
    await waitFor(() => seen.length >= 600, "600 messages", 15_000);
    expect(seen).toHaveLength(600);
    for (const key of new Set(seen.map((s) => s.key))) {
      const values = seen.filter((s) => s.key === key).map((s) => Number(s.value));
      expect(values).toEqual([...values].sort((a, b) => a - b));
      expect(new Set(seen.filter((s) => s.key === key).map((s) => s.partition)).size).toBe(1);
    }
    const offsets = new Map<number, number[]>();
    for (const s of seen) offsets.set(s.partition, [...(offsets.get(s.partition) ?? []), Number(s.offset)]);
    for (const list of offsets.values()) expect(list).toEqual(list.map((_, i) => list[0]! + i));
  });

  it("starts a new group at the log end unless it asks for the beginning (auto.offset.reset)", async () => {
    await producer.send({ topic: "reset", messages: [{ value: "old" }] });
    const c = consumer("reset-latest");
    await c.connect();
    await c.subscribe({ topic: "reset", fromBeginning: false });
    const values: string[] = [];
    let joined = false;
    c.on(c.events.GROUP_JOIN, () => {
      joined = true;
    });
    await c.run({ eachMessage: async ({ message }) => void values.push(String(message.value)) });
    await waitFor(() => joined, "the group join", 15_000);
    // The consumer resolves "latest" just after joining; keep producing until it is positioned.
    for (let i = 0; i < 50 && values.length === 0; i++) {
      await producer.send({ topic: "reset", messages: [{ value: "new" }] });
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((v) => v === "new")).toBe(true);
  });

  it("hands a new record to a waiting consumer within milliseconds (long-poll, not polling)", async () => {
    const c = testKafka(broker.address).consumer({
      groupId: "latency",
      ...fastConsumer,
      maxWaitTimeInMs: 2000,
    });
    consumers.push(c);
    await c.connect();
    const seen: Received[] = [];
    const arrivals: number[] = [];
    await c.subscribe({ topic: "latency", fromBeginning: true });
    await producer.send({ topic: "latency", messages: [{ value: "warm-up" }] });
    await c.run({
      eachMessage: async ({ message }) => {
        arrivals.push(Date.now());
        seen.push({
          topic: "latency",
          partition: 0,
          offset: message.offset,
          key: null,
          value: message.value,
          headers: {},
        });
      },
    });
    await waitFor(() => seen.length === 1, "warm-up message", 15_000);
    await new Promise((r) => setTimeout(r, 300));
    const sentAt = Date.now();
    await producer.send({ topic: "latency", messages: [{ value: "now" }] });
    await waitFor(() => seen.length === 2, "second message", 5000);
    // max_wait is 2 s, so anything well below it proves the fetch woke on the append.
    expect(arrivals[1]! - sentAt).toBeLessThan(500);
  });

  it("accepts an idempotent producer (InitProducerId) and refuses a transactional one", async () => {
    const idempotent = testKafka(broker.address).producer({ idempotent: true, maxInFlightRequests: 1 });
    await idempotent.connect();
    const [result] = await idempotent.send({
      topic: "idempotent",
      messages: [{ value: "once", partition: 0 }],
    });
    await idempotent.disconnect();
    expect(result).toMatchObject({ errorCode: 0, baseOffset: "0" });
    const transactional = testKafka(broker.address).producer({
      transactionalId: "tx",
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await transactional.connect();
    await expect(transactional.transaction()).rejects.toThrow();
    await transactional.disconnect();
  });

  it("counts records and bytes in and out", () => {
    const stats = broker.stats();
    expect(stats.recordsIn).toBeGreaterThanOrEqual(605);
    expect(stats.recordsOut).toBeGreaterThanOrEqual(605);
    expect(stats.bytesIn).toBeGreaterThan(0);
    expect(stats.bytesOut).toBeGreaterThan(0);
    expect(stats.activeConnections).toBeGreaterThan(0);
    expect(stats.topics).toBeGreaterThanOrEqual(3);
  });
});

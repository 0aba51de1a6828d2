// Guards patches/kafkajs+2.2.4.patch: an idle kafkajs client must not arm a timer every millisecond per
// connection. Timers are counted through node:async_hooks, so the test sees what the process does, not how
// kafkajs does it; it fails when the patch stops applying (a kafkajs upgrade, an install without postinstall).
import { createHook } from "node:async_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafka } from "./kafka.ts";
import { startTestBroker, type TestBroker } from "./testing/broker.ts";

/** How many timers the process created while `ms` went by. */
async function timersCreatedDuring(ms: number): Promise<number> {
  let timers = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === "Timeout") timers++;
    },
  }).enable();
  try {
    await new Promise((resolve) => setTimeout(resolve, ms));
  } finally {
    hook.disable();
  }
  return timers;
}

describe("kafkajs on an idle connection", () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(() => broker.stop());

  it("arms timers when there is something to wait for, not every millisecond", async () => {
    const kafka = createKafka({ brokers: [`127.0.0.1:${broker.port}`], clientId: "idle" });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "idle", numPartitions: 1 }] });
    const consumer = kafka.consumer({ groupId: "idle", maxWaitTimeInMs: 1_000 });
    await consumer.connect();
    await consumer.subscribe({ topics: ["idle"] });
    let received = 0;
    await consumer.run({ eachMessage: async () => void received++ });
    const producer = kafka.producer();
    await producer.connect();
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // joined, fetching

    // Three clients, four connections: unpatched, each re-arms a 1 ms timer after every check of its request
    // queue, about 2,800 timers a second in all; patched, a long-poll fetch and a heartbeat need a handful.
    expect(await timersCreatedDuring(1_000)).toBeLessThan(100);

    // And the queue still works: a record sent now is consumed.
    await producer.send({ topic: "idle", messages: [{ value: "hello" }] });
    const deadline = Date.now() + 10_000;
    while (received === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toBe(1);
    await Promise.all([producer.disconnect(), consumer.disconnect(), admin.disconnect()]);
  });
});

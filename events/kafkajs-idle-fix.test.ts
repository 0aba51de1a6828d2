import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafka } from "./kafka.ts";
import { RequestQueue } from "./kafkajs-idle-fix.ts";
import { startTestBroker, type TestBroker } from "./testing/broker.ts";

describe("kafkajs on an idle connection", () => {
  let broker: TestBroker;
  beforeAll(async () => {
    broker = await startTestBroker();
  });
  afterAll(() => broker.stop());

  it("checks its request queue when there is something to check, not every millisecond", async () => {
    const kafka = createKafka({ brokers: [`127.0.0.1:${broker.port}`], clientId: "idle" });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "idle", numPartitions: 1 }] });
    const consumer = kafka.consumer({ groupId: "idle", maxWaitTimeInMs: 1_000 });
    await consumer.connect();
    await consumer.subscribe({ topics: ["idle"] });
    let received = 0;
    await consumer.run({ eachMessage: async () => void received++ });
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // joined, fetching

    let checks = 0;
    const check = RequestQueue.prototype.checkPendingRequests;
    RequestQueue.prototype.checkPendingRequests = function (this: RequestQueue) {
      checks++;
      check.call(this);
    };
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    } finally {
      RequestQueue.prototype.checkPendingRequests = check;
    }
    // One check per response (a long-poll fetch a second, a heartbeat every 3 s); unpatched, a 1 ms timer
    // per connection ran it about a thousand times a second.
    expect(checks).toBeLessThan(30);

    // And the queue still works: a record sent now is consumed.
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: "idle", messages: [{ value: "hello" }] });
    const deadline = Date.now() + 10_000;
    while (received === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(received).toBe(1);
    await Promise.all([producer.disconnect(), consumer.disconnect(), admin.disconnect()]);
  });
});

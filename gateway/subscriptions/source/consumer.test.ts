import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep } from "../../../events/backoff.ts";
import { startTestBroker, type TestBroker, testKafka } from "../../../events/testing/broker.ts";
import { startEventProducer, type TestEventProducer } from "../../../events/testing/event-producer.ts";
import { waitFor } from "../../../events/testing/wait.ts";
import { silentLogger } from "../../../platform/logger.ts";
import { EventConsumer } from "./consumer.ts";
import { LivePositions } from "./positions.ts";

const TOPIC = "inventory.stock.changed";
let broker: TestBroker;
let events: TestEventProducer;

beforeAll(async () => {
  broker = await startTestBroker({ topics: [TOPIC] });
  events = await startEventProducer(broker.address);
});

afterAll(async () => {
  await events?.stop();
  await broker?.stop();
});

/** The group's committed offsets, summed over partitions (each is the next offset to read). */
async function committedTotal(groupId: string): Promise<number> {
  const admin = testKafka(broker.address, "test-admin").admin();
  await admin.connect();
  try {
    const [topic] = await admin.fetchOffsets({ groupId, topics: [TOPIC] });
    return (topic?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

const stockChange = (quantity: number) => {
  const productId = randomUUID();
  return { entity: { typename: "Product", id: productId }, productId, quantity };
};

describe("the gateway's event consumer", () => {
  it("commits its position on a timer, not after every record, and again when it stops", async () => {
    const groupId = `gateway-commits-${randomUUID()}`;
    let handled = 0;
    const positions = new LivePositions();
    const consumer = new EventConsumer({
      brokers: broker.brokers,
      clientId: "gateway-commits-test",
      groupId,
      logger: silentLogger,
      maxWaitTimeInMs: 50,
      commitIntervalMs: 2500,
      positions,
      // As the gateway's: a record counts as handled once its position advanced.
      onRecord: async ({ topic, partition, message }) => {
        positions.advance(topic, partition, BigInt(message.offset));
        handled++;
      },
    });
    consumer.setTopics([TOPIC]);
    await consumer.whenConsuming();
    // Let the first tick pass with nothing to commit, so the next one is a full interval away.
    await sleep(2600);
    const before = await committedTotal(groupId);

    for (let i = 1; i <= 5; i++) {
      await events.produce(TOPIC, stockChange(i), `key-${i}`);
      await waitFor(() => handled === i, `record ${i} handled`, 10_000);
    }
    // Every record was handled one batch at a time, and the group has not committed after each of them.
    expect(await committedTotal(groupId)).toBeLessThan(before + 5);

    // Within one interval the committed position catches up with everything handled.
    await waitFor(
      async () => (await committedTotal(groupId)) === before + 5,
      "the commit of five records",
      4000,
    );

    // Records handled just before a stop are committed by the stop itself, not lost to the lag metric.
    await events.produce(TOPIC, stockChange(6), "key-6");
    await waitFor(() => handled === 6, "record 6 handled", 10_000);
    await consumer.stop();
    expect(await committedTotal(groupId)).toBe(before + 6);
  });

  it("keeps no timer or abort listener from one pass to the next while it waits for a topic", async () => {
    let passes = 0;
    const consumer = new EventConsumer({
      brokers: broker.brokers,
      clientId: "gateway-passes-test",
      groupId: `gateway-passes-${randomUUID()}`,
      logger: pino(
        { level: "warn" },
        new Writable({
          write(chunk, _encoding, done) {
            if (String(chunk).includes("do not exist yet")) passes++;
            done();
          },
        }),
      ),
      positions: new LivePositions(),
      onRecord: async () => undefined,
      // Each pass looks for the missing topic again, so a second holds many passes.
      topicRefreshMs: 10,
    });
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
    consumer.setTopics(["not.created.yet"]);
    await waitFor(() => passes >= 3, "three passes", 10_000);
    const [passesBefore, timersBefore] = [passes, timers()];
    await waitFor(() => passes >= passesBefore + 20, "twenty more passes", 10_000);
    const grown = timers() - timersBefore;
    await consumer.stop();
    expect(grown).toBeLessThan(5);
  });
});

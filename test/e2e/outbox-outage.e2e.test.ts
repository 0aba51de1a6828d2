// The outbox keeps events while Kafka is down and delivers each exactly once when it returns.
import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafka } from "../../events/kafka.ts";
import { outbox } from "../../events/outbox/schema.ts";
import { eventually, expectData } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const admin = tokenFor(["ADMIN"]);

/** Every event id on `topic` with Kafka key `key`, read from the beginning up to the current end. */
async function eventIdsFor(stack: Stack, topic: string, key: string): Promise<string[]> {
  const kafka = createKafka({ brokers: stack.broker.brokers, clientId: "outage-test" });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `outage-test-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const ids: string[] = [];
  const read = new Map<number, number>();
  const caughtUp = () => ends.every((p) => (read.get(p.partition) ?? 0) >= Number(p.high));
  await new Promise<void>((resolve) => {
    if (caughtUp()) resolve();
    void consumer.run({
      eachMessage: async ({ partition, message }) => {
        if (message.key?.toString() === key) ids.push(String(message.headers?.ce_id));
        read.set(partition, Number(message.offset) + 1);
        if (caughtUp()) resolve();
      },
    });
  });
  await consumer.disconnect();
  return ids;
}

describe("the transactional outbox across a broker outage", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ["catalog", "inventory"] });
  });
  afterAll(() => stack?.stop());

  it("accepts a mutation while Kafka is down and delivers its event once after Kafka returns", async () => {
    await stack.broker.pause();
    const { createProduct } = await expectData<{ createProduct: { id: string } }>(
      stack.url,
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
      { input: { name: "Made during the outage", category: "resilience", priceCents: 100 } },
      admin.token,
    );
    const productId = createProduct.id;
    const catalog = stack.subgraphs.get("catalog")!;
    const inventory = stack.subgraphs.get("inventory")!;
    // Nothing can reach inventory while the broker is down, but the event waits in catalog's outbox.
    await new Promise((r) => setTimeout(r, 500));
    expect(await inventory.repo.findByProductIds([productId])).toEqual([]);

    await stack.broker.restart();
    // inventory's stock row comes only from catalog's event: its arrival proves delivery.
    await eventually(async () => (await inventory.repo.findByProductIds([productId])).length === 1, 30_000);
    const ids = await eventIdsFor(stack, "catalog.product.created", productId);
    expect(ids).toHaveLength(1);
    const rows = await catalog.database.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(eq(outbox.key, productId));
    expect(rows.map((r) => r.id)).toEqual(ids);
  });
});

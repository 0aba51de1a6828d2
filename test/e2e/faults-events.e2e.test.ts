// Faults on the event path: Kafka down under 1,000 mutations, an event delivered twice, a poison message.
import { randomUUID } from "node:crypto";
import { count, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backoffDelay } from "../../events/backoff.ts";
import { decodeEvent, encodeEvent } from "../../events/codec.ts";
import { DEFAULT_HANDLER_RETRY } from "../../events/consumer/types.ts";
import { createKafka } from "../../events/kafka.ts";
import type { Db } from "../../events/outbox/db.ts";
import { outbox } from "../../events/outbox/schema.ts";
import { eventually } from "../../events/testing/wait.ts";
import { dlqTopic, Topics } from "../../events/topics.ts";
import { expectData, graphql } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";
import { readTopic } from "../support/topic.ts";

const admin = tokenFor(["ADMIN"]);
let stack: Stack;
let productId: string;

/** Every message on `topic` from the beginning to its current end: Kafka key and CloudEvents id. */
async function readTopicEvents(topic: string): Promise<{ key: string; id: string; quantity?: number }[]> {
  return (await readTopic(stack.broker.brokers, topic)).map((message) => ({
    key: String(message.key),
    id: String(message.headers?.ce_id),
    quantity:
      topic === Topics.StockChanged ? decodeEvent(Topics.StockChanged, message).payload.quantity : undefined,
  }));
}

async function produce(messages: { key: string; value: Buffer; headers: Record<string, string> }[]) {
  const producer = createKafka({ brokers: stack.broker.brokers, clientId: "faults-producer" }).producer();
  await producer.connect();
  await producer.send({ topic: Topics.OrderPlaced, messages });
  await producer.disconnect();
}

const orderPlaced = (id: string, key: string, product: string, quantity: number) =>
  encodeEvent({
    id,
    topic: Topics.OrderPlaced,
    key,
    source: "/subgraphs/orders",
    payload: {
      entity: { typename: "Order", id: randomUUID() },
      orderId: randomUUID(),
      customerId: randomUUID(),
      lines: [{ productId: product, quantity, unitPriceCents: 100 }],
      totalCents: 100 * quantity,
      currency: "EUR",
    },
  });

async function stock(): Promise<number> {
  const data = await expectData<{ product: { stock: number } }>(
    stack.url,
    `query($id: ID!) { product(id: $id) { stock } }`,
    {
      id: productId,
    },
  );
  return data.product.stock;
}

/** Events written but not yet accepted by Kafka. */
async function unsentOutboxRows(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(outbox).where(isNull(outbox.sentAt));
  return row?.n ?? 0;
}

const SET_STOCK = `mutation($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { id } }`;

beforeAll(async () => {
  stack = await startStack({ subgraphs: ["catalog", "inventory"] });
  const { createProduct } = await expectData<{ createProduct: { id: string } }>(
    stack.url,
    `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
    { input: { name: "Fault-tolerant kettle", category: "faults", priceCents: 100 } },
    admin.token,
  );
  productId = createProduct.id;
  await eventually(
    async () => (await graphql(stack.url, SET_STOCK, { id: productId, q: 100 }, admin.token)).data,
  );
}, 60_000);
afterAll(() => stack?.stop());

describe("faults on the event path", () => {
  it("applies an event delivered twice once, and later events on the partition still apply", async () => {
    const key = randomUUID();
    const first = orderPlaced(randomUUID(), key, productId, 2);
    await produce([first, first, orderPlaced(randomUUID(), key, productId, 1)]);
    await eventually(async () => (await stock()) === 97, 20_000);
    // The duplicate came before the last event on the same partition, so it was seen and skipped.
    expect(await stock()).toBe(97);
  });

  it("dead-letters a malformed payload and a handler that keeps failing, without blocking the partition", async () => {
    const key = randomUUID();
    const malformed = {
      ...orderPlaced(randomUUID(), key, productId, 1),
      value: Buffer.from([0xff, 0xfe, 0x00, 0x13]),
    };
    // A product id that is no uuid makes inventory's SQL fail on every retry.
    const failing = orderPlaced(randomUUID(), key, "not-a-uuid", 1);
    await produce([malformed, failing, orderPlaced(randomUUID(), key, productId, 1)]);
    await eventually(async () => (await stock()) === 96, 30_000);
    const dead = await eventually(async () => {
      const found = (await readTopicEvents(dlqTopic(Topics.OrderPlaced))).filter((m) => m.key === key);
      return found.length === 2 && found;
    }, 20_000);
    expect(dead.map((m) => m.id).sort()).toEqual([malformed.headers.ce_id, failing.headers.ce_id].sort());
    // The failing handler was retried with backoff first: its dead letter left no sooner than the
    // attempts' shortest possible delays after the event was produced (the letter keeps its timestamp).
    const letter = (await readTopic(stack.broker.brokers, dlqTopic(Topics.OrderPlaced))).find(
      (m) => String(m.headers?.ce_id) === failing.headers.ce_id,
    );
    const { attempts } = DEFAULT_HANDLER_RETRY;
    expect(String(letter?.headers?.dlq_attempts)).toBe(String(attempts));
    let shortestBackoffMs = 0;
    for (let a = 1; a < attempts; a++) shortestBackoffMs += backoffDelay(a, DEFAULT_HANDLER_RETRY, () => 1);
    const retriedForMs = Date.parse(String(letter?.headers?.dlq_failed_at)) - Number(letter?.timestamp);
    expect(retriedForMs).toBeGreaterThanOrEqual(shortestBackoffMs);
  });

  it("accepts 1,000 mutations while Kafka is down and delivers each event once, by id, after it returns", async () => {
    await stack.broker.halt();
    const quantities = Array.from({ length: 1000 }, (_, i) => 1000 + i);
    let next = 0;
    const failures: unknown[] = [];
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        while (next < quantities.length) {
          const q = quantities[next++]!;
          const response = await graphql(stack.url, SET_STOCK, { id: productId, q }, admin.token);
          if (response.errors) failures.push(response.errors);
        }
      }),
    );
    expect(failures).toEqual([]);
    const inventory = stack.subgraphs.get("inventory")!;
    expect(await unsentOutboxRows(inventory.database.db)).toBeGreaterThanOrEqual(1000);
    await stack.broker.restart();
    // Polls one cheap count; the topic is read once, when every row has been sent.
    await eventually(async () => (await unsentOutboxRows(inventory.database.db)) === 0, 60_000, 200);
    // Only these mutations set 1,000 or more units.
    const after = (await readTopicEvents(Topics.StockChanged)).filter(
      (m) => m.key === productId && (m.quantity ?? 0) >= 1000,
    );
    expect(new Set(after.map((m) => m.id)).size).toBe(1000);
    expect(after).toHaveLength(1000);
  }, 180_000);
});

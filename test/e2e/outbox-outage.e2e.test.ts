// The outbox keeps events while Kafka is down and delivers each exactly once when it returns.
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outbox } from "../../events/outbox/schema.ts";
import { eventually } from "../../events/testing/wait.ts";
import { expectData } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";
import { readTopic } from "../support/topic.ts";

const admin = tokenFor(["ADMIN"]);

describe("the transactional outbox across a broker outage", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ["catalog", "inventory"] });
  });
  afterAll(() => stack?.stop());

  it("accepts a mutation while Kafka is down and delivers its event once after Kafka returns", async () => {
    await stack.broker.halt();
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
    expect(await inventory.repo.stock.findByProductIds([productId])).toEqual([]);

    await stack.broker.restart();
    // inventory's stock row comes only from catalog's event: its arrival proves delivery.
    await eventually(
      async () => (await inventory.repo.stock.findByProductIds([productId])).length === 1,
      30_000,
    );
    const ids = (await readTopic(stack.broker.brokers, "catalog.product.created"))
      .filter((message) => message.key?.toString() === productId)
      .map((message) => String(message.headers?.ce_id));
    expect(ids).toHaveLength(1);
    const rows = await catalog.database.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(eq(outbox.key, productId));
    expect(rows.map((r) => r.id)).toEqual(ids);
  });
});

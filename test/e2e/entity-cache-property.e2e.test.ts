// A property of the entity cache under concurrency: writers raise a product's price (its version) one after
// another while readers on two gateways read it at random moments. No reader ever sees a version older than
// one whose event its own gateway had already consumed when the read began.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../events/testing/wait.ts";
import { Topics } from "../../events/topics.ts";
import type { Gateway } from "../../gateway/server.ts";
import { extraGateway } from "../support/entity-cache.ts";
import { expectData, graphql } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const admin = tokenFor(["ADMIN"]);
const READ = `query($id: ID!) { product(id: $id) { priceCents stock } }`;

interface Replica {
  url: string;
  gateway: Gateway;
  /** The highest version whose event this gateway consumed, per product. */
  consumed: Map<string, number>;
}

describe("the entity cache under concurrent writers and readers", () => {
  let stack: Stack;
  let second: Gateway | undefined;
  const replicas: Replica[] = [];

  beforeAll(async () => {
    stack = await startStack({ subgraphs: ["catalog", "inventory"] });
    const other = await extraGateway(stack, { RATE_LIMIT_ENABLED: "false" });
    second = other.gateway;
    for (const { url, gateway } of [{ url: stack.url, gateway: stack.gateway }, other]) {
      const consumed = new Map<string, number>();
      gateway.entityCache?.onInvalidated(({ topic, payload }) => {
        if (topic !== Topics.ProductUpdated) return;
        const { productId, priceCents } = payload as { productId: string; priceCents: number };
        consumed.set(productId, Math.max(consumed.get(productId) ?? 0, priceCents));
      });
      replicas.push({ url, gateway, consumed });
    }
  });
  afterAll(async () => {
    await second?.stop();
    await stack?.stop();
  });

  it("never lets a read return a version older than one its gateway has consumed", async () => {
    expect(replicas.every((r) => r.gateway.entityCache)).toBe(true);
    const operation = fc.record({
      kind: fc.constantFrom("read", "read", "write"),
      replica: fc.integer({ min: 0, max: 1 }),
      delayMs: fc.integer({ min: 0, max: 30 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 8, maxLength: 24 }), async (operations) => {
        const created = await expectData<{ createProduct: { id: string } }>(
          stack.url,
          `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
          { input: { name: `Versioned ${Math.random()}`, category: "property", priceCents: 1 } },
          admin.token,
        );
        const id = created.createProduct.id;
        let version = 1;
        // Writers take turns: each commits the next version, so the versions are committed in order.
        let writing: Promise<unknown> = Promise.resolve();
        const stale: string[] = [];
        await Promise.all(
          operations.map(async ({ kind, replica, delayMs }) => {
            await new Promise((resolve) => setTimeout(resolve, delayMs));
            const { url, consumed } = replicas[replica]!;
            if (kind === "write") {
              writing = writing.then(() =>
                expectData(
                  url,
                  `mutation($id: ID!, $p: Int!) { updateProduct(id: $id, input: { priceCents: $p }) { id } }`,
                  { id, p: ++version },
                  admin.token,
                ),
              );
              return writing;
            }
            const floor = consumed.get(id) ?? 0;
            const read = await graphql<{ product: { priceCents: number } | null }>(url, READ, { id });
            const seen = read.data?.product?.priceCents;
            if (seen === undefined) throw new Error(JSON.stringify(read.errors));
            if (seen < floor) stale.push(`replica ${replica} read ${seen} after consuming ${floor}`);
          }),
        );
        await writing;
        expect(stale).toEqual([]);
        // And once the last event is in, every gateway answers the last version.
        for (const { url } of replicas) {
          await eventually(
            async () => {
              const r = await expectData<{ product: { priceCents: number } }>(url, READ, { id });
              return r.product.priceCents === version;
            },
            2_000,
            10,
          );
        }
      }),
      { numRuns: 8 },
    );
  });
});

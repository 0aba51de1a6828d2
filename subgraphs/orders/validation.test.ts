import { randomUUID } from "node:crypto";
import type { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { MAX_LINES, type PriceCopy, priceLines, requestedLines } from "./validation.ts";

function refusal(run: () => unknown): Record<string, unknown> | undefined {
  try {
    run();
  } catch (error) {
    return (error as GraphQLError).extensions;
  }
  return undefined;
}

const copy = (priceCents: number, currency = "USD", deleted = false): PriceCopy => ({
  productId: randomUUID(),
  name: `p${priceCents}`,
  priceCents,
  currency,
  deleted,
});

describe("placeOrder's input rules", () => {
  it("accepts well-formed lines, lower-casing ids", () => {
    const id = randomUUID();
    expect(requestedLines({ items: [{ productId: id.toUpperCase(), quantity: 3 }] })).toEqual([
      { productId: id, quantity: 3 },
    ]);
  });

  it("names the offending field for every kind of bad line", () => {
    const ok = { productId: randomUUID(), quantity: 1 };
    expect(refusal(() => requestedLines({ items: [] }))).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "input.items",
    });
    const tooMany = Array.from({ length: MAX_LINES + 1 }, () => ({ productId: randomUUID(), quantity: 1 }));
    expect(refusal(() => requestedLines({ items: tooMany }))).toMatchObject({ field: "input.items" });
    expect(refusal(() => requestedLines({ items: [ok, { productId: "nope", quantity: 1 }] }))).toMatchObject({
      field: "input.items[1].productId",
    });
    for (const quantity of [0, -1, 1001, 1.5]) {
      expect(
        refusal(() => requestedLines({ items: [ok, ok, { ...ok, productId: randomUUID(), quantity }] })),
      ).toMatchObject({
        field: expect.stringMatching(/^input\.items\[[12]\]\./),
      });
    }
    expect(refusal(() => requestedLines({ items: [{ ...ok, quantity: 0 }] }))).toMatchObject({
      field: "input.items[0].quantity",
    });
    expect(refusal(() => requestedLines({ items: [ok, { ...ok, quantity: 2 }] }))).toMatchObject({
      field: "input.items[1].productId",
    });
  });
});

describe("pricing an order from the price copy", () => {
  it("prices lines at the copy's price and totals them", () => {
    const a = copy(250);
    const b = copy(1000);
    const priced = priceLines(
      [
        { productId: a.productId, quantity: 4 },
        { productId: b.productId, quantity: 1 },
      ],
      new Map([a, b].map((p) => [p.productId, p])),
    );
    expect(priced).toEqual({
      lines: [
        { productId: a.productId, quantity: 4, unitPriceCents: 250, productName: "p250" },
        { productId: b.productId, quantity: 1, unitPriceCents: 1000, productName: "p1000" },
      ],
      totalCents: 2000,
      currency: "USD",
    });
  });

  it("refuses unknown, discontinued and mixed-currency products, naming the line", () => {
    const usd = copy(100);
    const eur = copy(100, "EUR");
    const gone = copy(100, "USD", true);
    const prices = new Map([usd, eur, gone].map((p) => [p.productId, p]));
    const line = (p: { productId: string }) => ({ productId: p.productId, quantity: 1 });
    expect(refusal(() => priceLines([line(usd), line({ productId: randomUUID() })], prices))).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "input.items[1].productId",
    });
    const discontinued = (() => {
      try {
        priceLines([line(gone)], prices);
      } catch (error) {
        return error as GraphQLError;
      }
    })();
    expect(discontinued?.message).toBe("p100 was discontinued and can no longer be ordered.");
    expect(discontinued?.extensions).toMatchObject({
      code: "BAD_USER_INPUT",
      field: "input.items[0].productId",
    });
    expect(refusal(() => priceLines([line(usd), line(usd), line(eur)], prices))).toMatchObject({
      field: "input.items[2].productId",
    });
  });

  it("refuses a total that would not fit the integer columns", () => {
    const dear = copy(100_000_000);
    const prices = new Map([[dear.productId, dear]]);
    expect(refusal(() => priceLines([{ productId: dear.productId, quantity: 1000 }], prices))).toMatchObject({
      field: "input.items",
    });
  });
});

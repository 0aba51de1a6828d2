import { getOperationAST, parse } from "graphql";
import { describe, expect, it } from "vitest";
import { entityQuery, rootField } from "./rewrite.ts";

function rewrite(source: string, entityField = "product") {
  const document = parse(source);
  const operation = getOperationAST(document)!;
  const field = rootField(document, operation.selectionSet)!;
  return entityQuery(document, operation, field, entityField);
}

const squash = (s: string) => s.replace(/\s+/g, " ").trim();

describe("entityQuery", () => {
  it("loads the entity by id with the client's selection", () => {
    const result = rewrite(
      `subscription OnStock($productId: ID) { stockChanged(productId: $productId) { id name stock } }`,
    );
    expect(squash(result.query)).toBe(
      squash(`query OnStock__stockChanged($__id: ID!) { entity: product(id: $__id) { id name stock } }`),
    );
    expect(result.variables).toEqual([]);
  });

  it("keeps the fragments the selection uses and drops the others", () => {
    const result = rewrite(`
      subscription { ...Root }
      fragment Root on Subscription { stockChanged { ...P } }
      fragment P on Product { id ... on Product { name } }`);
    expect(result.query).toContain("fragment P on Product");
    expect(result.query).not.toContain("fragment Root");
    expect(result.query).toContain("entity: product(id: $__id) {\n    ...P\n  }");
  });

  it("keeps variables used inside the selection, with their defaults", () => {
    const result = rewrite(
      `
      subscription ($orderId: ID, $first: Int = 3) { orderStatusChanged(orderId: $orderId) { id items(first: $first) { id } } }`,
      "order",
    );
    expect(result.query).toContain("query Subscription__orderStatusChanged($__id: ID!, $first: Int = 3)");
    expect(result.variables).toEqual(["first"]);
  });

  it("picks another id variable name when the client already uses __id", () => {
    const result = rewrite(`subscription ($__id: Int) { stockChanged { id count(n: $__id) } }`);
    expect(result.idVariable).toBe("__id_");
    expect(result.query).toContain("product(id: $__id_)");
  });
});

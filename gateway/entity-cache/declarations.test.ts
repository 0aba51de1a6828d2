import { describe, expect, it } from "vitest";
import { cachePoliciesOf } from "./declarations.ts";

const SDL = `
directive @cacheable(maxAge: Int!, scope: String = "PUBLIC") on OBJECT | FIELD_DEFINITION
type Product @key(fields: "id") @cacheable(maxAge: 60) { id: ID! name: String! }
type User @key(fields: "id") @cacheable(maxAge: 30, scope: "PRIVATE") { id: ID! email: String }
type Article @key(fields: "id") { id: ID! views: Int! @uncacheable }
type Author @key(fields: "id") @cacheable(maxAge: 30, scope: "OWNER") { id: ID! drafts: [Article!]! }
type Query {
  product(id: ID!): Product @cacheable(maxAge: 60)
  products: [Product!]!
}
type Mutation { setStock(productId: ID!, quantity: Int!): Product! deleteProduct(id: ID!): Boolean! }
`;

describe("@cacheable declarations in a subgraph SDL", () => {
  it("read entity types, root fields and their scopes; undeclared types are not cached", () => {
    const policies = cachePoliciesOf("catalog", SDL);
    expect(policies.entities.get("Product")).toEqual({ maxAgeSeconds: 60, scope: "PUBLIC" });
    expect(policies.entities.get("User")).toEqual({ maxAgeSeconds: 30, scope: "PRIVATE" });
    expect(policies.entities.get("Author")).toEqual({ maxAgeSeconds: 30, scope: "OWNER" });
    expect(policies.entities.has("Article")).toBe(false);
    expect([...policies.uncacheableFields]).toEqual(["views"]);
    expect(policies.rootFields.get("product")).toEqual({
      maxAgeSeconds: 60,
      scope: "PUBLIC",
      returnType: "Product",
    });
    expect(policies.rootFields.has("products")).toBe(false);
    expect(policies.mutations.get("setStock")).toEqual({
      returnType: "Product",
      arguments: ["productId", "quantity"],
    });
  });

  it("refuse a scope other than PUBLIC, OWNER or PRIVATE, and a root field without an id to tag it", () => {
    expect(() =>
      cachePoliciesOf("x", `type Product @cacheable(maxAge: 5, scope: "SHARED") { id: ID! }`),
    ).toThrow(/scope/);
    expect(() => cachePoliciesOf("x", `type Query { products: [Int] @cacheable(maxAge: 5) }`)).toThrow(
      /id argument/,
    );
    expect(() => cachePoliciesOf("x", `type Product @cacheable(maxAge: 0) { id: ID! }`)).toThrow(/maxAge/);
  });
});

import { describe, expect, it } from "vitest";
import { cachePoliciesOf } from "./declarations.ts";
import { fetchShape, type RootField } from "./fetch-shape.ts";
import { writtenTags } from "./writes.ts";

const CATALOG = cachePoliciesOf(
  "catalog",
  `type Product @key(fields: "id") @cacheable(maxAge: 60) { id: ID! name: String! }
   type Mutation { updateProduct(id: ID!, name: String): Product! deleteProduct(id: ID!): Boolean! }`,
);
const INVENTORY = cachePoliciesOf(
  "inventory",
  `type Product @key(fields: "id") @cacheable(maxAge: 60) { id: ID! stock: Int! }
   type Mutation { setStock(productId: ID!, quantity: Int!): Product! }`,
);
const ACCOUNTS = cachePoliciesOf(
  "accounts",
  `type User @key(fields: "id") @cacheable(maxAge: 60, scope: "PRIVATE") { id: ID! name: String! }
   type Mutation { updateProfile(name: String): User! grantRole(userId: ID!, role: String!): User! }`,
);
const cachedTypes = new Set(["Product", "User"]);

function fieldsOf(query: string): readonly RootField[] {
  const shape = fetchShape(query);
  if (shape.kind !== "root") throw new Error("not a root fetch");
  return shape.fields;
}

describe("what a mutation changed, for the writer's own next read", () => {
  it("names the entity by its id argument, or every type the subgraph caches when it returns no entity", () => {
    expect(
      writtenTags({
        policies: CATALOG,
        cachedTypes,
        fields: fieldsOf(`mutation($id: ID!) { updateProduct(id: $id, name: "x") { name } }`),
        variables: { id: "p1" },
        response: { data: { updateProduct: { name: "x" } } },
      }),
    ).toEqual(["Product:p1"]);
    expect(
      writtenTags({
        policies: CATALOG,
        cachedTypes,
        fields: fieldsOf(`mutation { deleteProduct(id: "p2") }`),
        variables: {},
        response: { data: { deleteProduct: true } },
      }),
    ).toEqual(["Product:p2"]);
  });

  it("reads <type>Id arguments and the ids in the answer", () => {
    expect(
      writtenTags({
        policies: INVENTORY,
        cachedTypes,
        fields: fieldsOf(`mutation { stock: setStock(productId: "p3", quantity: 1) { id } }`),
        variables: {},
        response: { data: { stock: { id: "p3" } } },
      }),
    ).toEqual(["Product:p3"]);
    expect(
      writtenTags({
        policies: ACCOUNTS,
        cachedTypes,
        fields: fieldsOf(`mutation { grantRole(userId: "u1", role: "ADMIN") { roles: id } }`),
        variables: {},
        response: { data: { grantRole: { roles: "u1" } } },
      }),
    ).toEqual(["User:u1"]);
  });

  it("always names the signed-in caller, whom most mutations change (updateProfile names no entity at all)", () => {
    expect(
      writtenTags({
        policies: ACCOUNTS,
        cachedTypes,
        fields: fieldsOf(`mutation { updateProfile(name: "Ann") { name } }`),
        variables: {},
        response: { data: { updateProfile: { name: "Ann" } } },
        viewerId: "u9",
      }),
    ).toEqual(["User:u9"]);
  });

  it("finds entities nested in the answer, and the writer of a mutation that returns no cached type", () => {
    const BLOG = cachePoliciesOf(
      "blog",
      `type Article @key(fields: "id") { id: ID! author: User! }
       type User @key(fields: "id") @cacheable(maxAge: 60, scope: "PRIVATE") { id: ID! }
       type Mutation { publishArticle(id: ID!): Article! }`,
    );
    // An admin publishes someone else's article: the author's articles changed, and the admin's own user may
    // have; the id argument also names a User (this subgraph's only cached type): one entry too many, harmless.
    expect(
      writtenTags({
        policies: BLOG,
        cachedTypes,
        fields: fieldsOf(`mutation { publishArticle(id: "a1") { id author { __typename id } } }`),
        variables: {},
        response: { data: { publishArticle: { id: "a1", author: { __typename: "User", id: "u2" } } } },
        viewerId: "admin1",
      }).sort(),
    ).toEqual(["User:a1", "User:admin1", "User:u2"]);
  });
});

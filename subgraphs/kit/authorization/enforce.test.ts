import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import { graphql, parse } from "graphql";
import { describe, expect, it } from "vitest";
import type { Viewer } from "../../../platform/auth/tokens.ts";
import { enforceAuthorization } from "./enforce.ts";

const typeDefs = parse(`
  extend schema
    @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@authenticated", "@requiresScopes"])

  type Thing @key(fields: "id") {
    id: ID!
    name: String!
    secret: String @authenticated
    adminNote: String @requiresScopes(scopes: [["ADMIN"]])
    either: String @requiresScopes(scopes: [["ADMIN"], ["AUTHOR", "CUSTOMER"]])
  }

  type Vault @key(fields: "id") @authenticated {
    id: ID!
    content: String!
  }

  type Query {
    thing: Thing!
    mine: String @authenticated
  }

  type Mutation {
    wipe: Boolean! @requiresScopes(scopes: [["ADMIN"]])
  }
`);

const thing = { id: "t1", name: "n", secret: "s", adminNote: "a", either: "e" };
let wipes = 0;
const schema = buildSubgraphSchema({
  typeDefs,
  resolvers: {
    Query: { thing: () => thing, mine: (_: unknown, __: unknown, ctx: { viewer: Viewer }) => ctx.viewer.id },
    Mutation: { wipe: () => ++wipes > 0 },
    Thing: { __resolveReference: () => thing },
    Vault: { __resolveReference: (ref: { id: string }) => ({ id: ref.id, content: "gold" }) },
  } as GraphQLResolverMap<unknown>,
});
const protectedFields = enforceAuthorization(schema);

const customer: Viewer = { id: "u1", roles: ["CUSTOMER"] };
const admin: Viewer = { id: "u2", roles: ["ADMIN"] };
const authorCustomer: Viewer = { id: "u3", roles: ["AUTHOR", "CUSTOMER"] };

async function run(source: string, viewer: Viewer | null) {
  const result = await graphql({ schema, source, contextValue: { viewer } });
  return { data: result.data, codes: (result.errors ?? []).map((e) => e.extensions.code) };
}

describe("enforceAuthorization", () => {
  it("finds every field carrying a directive, and those of a protected type", () => {
    expect(protectedFields.sort()).toEqual(
      [
        "Mutation.wipe",
        "Query.mine",
        "Thing.adminNote",
        "Thing.either",
        "Thing.secret",
        "Vault.content",
        "Vault.id",
      ].sort(),
    );
  });

  it("refuses an anonymous caller with UNAUTHENTICATED and lets a signed-in one through", async () => {
    expect(await run("{ mine }", null)).toEqual({ data: { mine: null }, codes: ["UNAUTHENTICATED"] });
    expect(await run("{ mine }", customer)).toEqual({ data: { mine: "u1" }, codes: [] });
  });

  it("checks scopes against the viewer's roles: FORBIDDEN without them", async () => {
    expect((await run("{ thing { adminNote } }", customer)).codes).toEqual(["FORBIDDEN"]);
    expect((await run("{ thing { adminNote } }", null)).codes).toEqual(["UNAUTHENTICATED"]);
    expect(await run("{ thing { adminNote } }", admin)).toEqual({
      data: { thing: { adminNote: "a" } },
      codes: [],
    });
  });

  it("reads scopes as an OR of AND sets", async () => {
    expect((await run("{ thing { either } }", customer)).codes).toEqual(["FORBIDDEN"]);
    expect((await run("{ thing { either } }", authorCustomer)).codes).toEqual([]);
    expect((await run("{ thing { either } }", admin)).codes).toEqual([]);
  });

  it("leaves unprotected fields alone (default resolver included)", async () => {
    expect(await run("{ thing { id name } }", null)).toEqual({
      data: { thing: { id: "t1", name: "n" } },
      codes: [],
    });
  });

  it("never runs a refused mutation's resolver", async () => {
    const before = wipes;
    expect((await run("mutation { wipe }", customer)).codes).toEqual(["FORBIDDEN"]);
    expect(wipes).toBe(before);
    expect((await run("mutation { wipe }", admin)).codes).toEqual([]);
    expect(wipes).toBe(before + 1);
  });

  it("checks protected fields reached through _entities, as the gateway fetches them", async () => {
    const query = `{ _entities(representations: [{ __typename: "Thing", id: "t1" }]) {
      ... on Thing { name secret adminNote } } }`;
    const anonymous = await run(query, null);
    expect(anonymous.data).toEqual({ _entities: [{ name: "n", secret: null, adminNote: null }] });
    expect(anonymous.codes).toEqual(["UNAUTHENTICATED", "UNAUTHENTICATED"]);
    expect((await run(query, customer)).codes).toEqual(["FORBIDDEN"]);
    expect((await run(query, admin)).data).toEqual({
      _entities: [{ name: "n", secret: "s", adminNote: "a" }],
    });
  });

  it("protects every field of a type marked @authenticated, through _entities too", async () => {
    const query = `{ _entities(representations: [{ __typename: "Vault", id: "v1" }]) { ... on Vault { content } } }`;
    expect((await run(query, null)).codes).toEqual(["UNAUTHENTICATED"]);
    expect((await run(query, customer)).data).toEqual({ _entities: [{ content: "gold" }] });
  });
});

import { readdirSync, readFileSync } from "node:fs";
import { ApolloServer, HeaderMap } from "@apollo/server";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uncacheableAnswers } from "./uncacheable.ts";

const typeDefs = parse(`
  type Product @key(fields: "id") { id: ID! name: String! }
  type Query { product(id: ID!): Product broken: String }
`);
const resolvers = {
  Query: {
    product: (_: unknown, { id }: { id: string }) => ({ id, name: `Product ${id}` }),
    broken: () => {
      throw new Error("on purpose");
    },
  },
};

const ignore = () => {};
const quiet = { debug: ignore, info: ignore, warn: ignore, error: ignore };

async function cacheControlOf(server: ApolloServer, query: string): Promise<string | undefined> {
  const headers = new HeaderMap([["content-type", "application/json"]]);
  const response = await server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: { method: "POST", headers, search: "", body: { query } },
    context: async () => ({}),
  });
  return response.headers.get("cache-control");
}

describe("uncacheableAnswers", () => {
  const schema = () => buildSubgraphSchema({ typeDefs, resolvers });
  // Apollo's own cache-control plugin, installed by default, is what the subgraphs answered with before.
  const apollos = new ApolloServer({ schema: schema(), logger: quiet });
  const ours = new ApolloServer({ schema: schema(), plugins: uncacheableAnswers(), logger: quiet });
  beforeAll(() => Promise.all([apollos.start(), ours.start()]));
  afterAll(() => Promise.all([apollos.stop(), ours.stop()]));

  it.each([
    ["a query", '{ product(id: "1") { id name } }'],
    [
      "an entity fetch",
      '{ _entities(representations: [{ __typename: "Product", id: "1" }]) { ... on Product { name } } }',
    ],
    ["a resolver error", "{ broken }"],
    ["a document that does not parse", "{ product("],
    ["only __typename", "{ __typename }"],
  ])("sends the header Apollo's cache-control plugin sent for %s", async (_, query) => {
    const expected = await cacheControlOf(apollos, query);
    expect(expected).toBe("no-store");
    expect(await cacheControlOf(ours, query)).toBe(expected);
  });

  it("stands in for a plugin no subgraph schema needs: none declares @cacheControl", () => {
    const schemas = new URL("../../schemas/", import.meta.url);
    const declaring = readdirSync(schemas).filter((file) =>
      readFileSync(new URL(file, schemas), "utf8").includes("@cacheControl"),
    );
    expect(declaring).toEqual([]);
  });
});

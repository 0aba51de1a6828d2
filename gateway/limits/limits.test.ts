import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../../test/support/gateway.ts";

const SUPERGRAPH = fileURLToPath(new URL("../../schemas/supergraph.graphql", import.meta.url));
let gw: TestGateway;

beforeAll(async () => {
  // No subgraphs: every refusal below happens before the gateway would plan or call one.
  gw = await startTestGateway({
    SUPERGRAPH_PATH: SUPERGRAPH,
    SUPERGRAPH_WATCH: "false",
    MAX_DOCUMENT_BYTES: "2000",
    MAX_DEPTH: "4",
    MAX_ALIASES: "3",
    MAX_ROOT_FIELDS: "3",
    MAX_COST: "500",
    DEFAULT_LIST_SIZE: "10",
  });
});
afterAll(() => gw?.stop());

async function refusal(query: string, variables: Record<string, unknown> = {}) {
  const response = await gw.post({ query, variables });
  const body = (await response.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
  return {
    status: response.status,
    code: body.errors?.[0]?.extensions?.code,
    message: body.errors?.[0]?.message,
  };
}

describe("operation limits", () => {
  it("lets a small operation through", async () => {
    expect(await refusal("{ __typename }")).toMatchObject({ status: 200, code: undefined });
  });

  it("refuses a document larger than the limit, naming the size", async () => {
    const padding = " ".repeat(2100);
    const result = await refusal(`{ __typename ${padding}}`);
    expect(result).toMatchObject({ status: 400, code: "DOCUMENT_TOO_LARGE" });
    expect(result.message).toMatch(/limit is 2000/);
  });

  it("refuses an operation deeper than the limit, fragments included", async () => {
    const query = "query { me { ...U } } fragment U on User { orders { items { product { name } } } }";
    const result = await refusal(query);
    expect(result).toMatchObject({ status: 400, code: "OPERATION_TOO_DEEP" });
    expect(result.message).toMatch(/depth is 5; the limit is 4/);
  });

  it("refuses too many aliases", async () => {
    // Aliased introspection fields do not count: b, c and d are three, at the limit.
    const result = await refusal("{ a: __typename b: me { c: id d: id } e: __typename }");
    expect(result.code).not.toBe("TOO_MANY_ALIASES");
    const over = await refusal("{ b: me { c: id d: id f: email } }");
    expect(over).toMatchObject({ status: 400, code: "TOO_MANY_ALIASES" });
  });

  it("refuses too many root fields, also when hidden in fragments", async () => {
    const hidden = await refusal(
      '{ me { id } ... on Query { product(id: "1") { id } order(id: "1") { id } } ...F } fragment F on Query { article(id: "1") { id } }',
    );
    expect(hidden).toMatchObject({ status: 400, code: "TOO_MANY_ROOT_FIELDS" });
    const plain = await refusal(
      '{ me { id } product(id: "1") { id } order(id: "1") { id } post(id: "1") { id } }',
    );
    expect(plain).toMatchObject({ status: 400, code: "TOO_MANY_ROOT_FIELDS" });
  });

  it("estimates cost from perPage and default list sizes", async () => {
    const cheap = await refusal("{ products(perPage: 5) { items { id name } } }");
    expect(cheap.code).not.toBe("OPERATION_TOO_COMPLEX");
    const costly = await refusal("query($n: Int) { products(perPage: $n) { items { id name } } }", {
      n: 400,
    });
    expect(costly).toMatchObject({ status: 400, code: "OPERATION_TOO_COMPLEX" });
    expect(costly.message).toMatch(/estimated cost is \d+; the limit is 500/);
  });

  it("bounds parsing with a token limit", async () => {
    const query = `{ ${"__typename ".repeat(12_000)} }`;
    const response = await fetch(gw.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toMatch(/GRAPHQL_PARSE_FAILED|DOCUMENT_TOO_LARGE/);
  });

  it("refuses batched requests (a JSON array body) with a code", async () => {
    const response = await gw.post([{ query: "{ __typename }" }, { query: "{ __typename }" }]);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/batch/i);
  });
});

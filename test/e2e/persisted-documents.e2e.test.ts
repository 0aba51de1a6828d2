// Trusted documents: a persisted query manifest decides what runs, over HTTP (POST, GET, batches), graphql-ws
// and SSE, with Apollo Client's persisted-queries link as one of the clients; catalog + inventory behind it.
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApolloClient, gql, HttpLink, InMemoryCache } from "@apollo/client";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { print } from "graphql";
import { createClient as createSseClient } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { eventually } from "../../events/testing/wait.ts";
import { parseConfig } from "../../gateway/config.ts";
import { buildGateway, type Gateway } from "../../gateway/server.ts";
import { silentLogger } from "../../platform/logger.ts";
import { testEnv } from "../support/config.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const admin = tokenFor(["ADMIN"]);

// Printed as Apollo Client prints them (it adds __typename where missing: every selection has it already).
const PRODUCTS = print(gql`
  query Products {
    products(perPage: 2) {
      items {
        id
        name
        __typename
      }
      __typename
    }
  }
`);
const CREATE = "mutation Create($input: CreateProductInput!) { createProduct(input: $input) { id } }";
const SET_STOCK =
  "mutation SetStock($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { stock } }";
const STOCK = "subscription Stock($id: ID) { stockChanged(productId: $id) { id stock } }";
const AD_HOC = "{ products(perPage: 1) { items { id } } }";

const manifest = {
  format: "apollo-persisted-query-manifest",
  version: 1,
  operations: [
    { name: "Products", type: "query", body: PRODUCTS },
    { name: "Create", type: "mutation", body: CREATE },
    { name: "SetStock", type: "mutation", body: SET_STOCK },
    { name: "Stock", type: "subscription", body: STOCK },
  ].map((operation) => ({ id: sha256(operation.body), ...operation })),
};
const persisted = (body: string) => ({ persistedQuery: { version: 1, sha256Hash: sha256(body) } });

async function post(url: string, body: unknown, token?: string) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response shapes vary per case.
  return { status: response.status, body: (await response.json()) as any };
}

/** A second gateway over the same subgraphs, with its own persisted-documents settings. */
async function gatewayOver(
  stack: Stack,
  env: Record<string, string>,
): Promise<{ gateway: Gateway; url: string }> {
  const config = parseConfig(
    testEnv({
      ...env,
      SUPERGRAPH_PATH: "schemas/supergraph.graphql",
      SUPERGRAPH_WATCH: "false",
      SUBSCRIPTIONS_ENABLED: "false",
      SUBGRAPH_URLS: [...stack.subgraphs].map(([name, s]) => `${name}=${s.url}`).join(","),
    }),
  );
  const gateway = await buildGateway(config, { logger: silentLogger });
  const { url } = await gateway.listen(0, "127.0.0.1");
  return { gateway, url };
}

describe("trusted documents (PERSISTED_DOCUMENTS)", () => {
  let stack: Stack;
  let open: { gateway: Gateway; url: string };
  let manifestPath: string;
  let productId: string;

  beforeAll(async () => {
    manifestPath = join(mkdtempSync(join(tmpdir(), "tributary-pq-")), "manifest.json");
    writeFileSync(manifestPath, JSON.stringify(manifest));
    stack = await startStack({
      subgraphs: ["catalog", "inventory"],
      env: { PERSISTED_DOCUMENTS: manifestPath, PERSISTED_DOCUMENTS_ONLY: "true" },
    });
    open = await gatewayOver(stack, { PERSISTED_DOCUMENTS: manifestPath });
    const created = await post(
      stack.url,
      {
        extensions: persisted(CREATE),
        variables: { input: { name: "Listed", category: "tea", priceCents: 900 } },
      },
      admin.token,
    );
    productId = created.body.data.createProduct.id;
  }, 120_000);

  afterAll(async () => {
    await open?.gateway.stop();
    await stack?.stop();
  });

  it("runs a listed query sent by hash alone, and by hash with its matching query", async () => {
    const byHash = await post(stack.url, { extensions: persisted(PRODUCTS) });
    expect(byHash.status).toBe(200);
    expect(byHash.body.data.products.items.length).toBeGreaterThan(0);
    const withQuery = await post(stack.url, { query: PRODUCTS, extensions: persisted(PRODUCTS) });
    expect(withQuery.body).toEqual(byHash.body);
    const search = new URLSearchParams({ extensions: JSON.stringify(persisted(PRODUCTS)) });
    const get = await fetch(`${stack.url}?${search}`, { headers: { "apollo-require-preflight": "1" } });
    expect(await get.json()).toEqual(byHash.body);
  });

  it("refuses an unknown hash with PERSISTED_QUERY_NOT_IN_LIST in only-mode", async () => {
    const unknown = await post(stack.url, { extensions: persisted("{ __typename }") });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_IN_LIST");
    // With the query too: ad-hoc APQ registration is off, so it stays unknown.
    const registering = await post(stack.url, { query: AD_HOC, extensions: persisted(AD_HOC) });
    expect(registering.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_IN_LIST");
    const again = await post(stack.url, { extensions: persisted(AD_HOC) });
    expect(again.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_IN_LIST");
  });

  it("refuses ad-hoc operations over HTTP POST, GET and in batches, before parsing them", async () => {
    const adHoc = await post(stack.url, { query: AD_HOC });
    expect(adHoc.status).toBe(400);
    expect(adHoc.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_IN_LIST");
    const broken = await post(stack.url, { query: "{ products(" });
    expect(broken.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_IN_LIST");
    const get = await fetch(`${stack.url}?${new URLSearchParams({ query: AD_HOC })}`, {
      headers: { "apollo-require-preflight": "1" },
    });
    expect(get.status).toBe(400);
    expect(
      ((await get.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
    ).toBe("PERSISTED_QUERY_NOT_IN_LIST");
    const batch = await post(stack.url, [{ extensions: persisted(PRODUCTS) }, { query: AD_HOC }]);
    expect(batch.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_IN_LIST");
    // The listed text itself, sent without a hash, is listed.
    const listedText = await post(stack.url, { query: PRODUCTS });
    expect(listedText.body.data.products.items.length).toBeGreaterThan(0);
  });

  it("works with Apollo Client's persisted-queries link (hash first, SHA-256 from node:crypto)", async () => {
    const sent: { query?: string; extensions?: unknown }[] = [];
    const recording: typeof fetch = (input, init) => {
      sent.push(JSON.parse(String(init?.body)));
      return fetch(input, init);
    };
    const client = new ApolloClient({
      link: createPersistedQueryLink({ sha256 }).concat(new HttpLink({ uri: stack.url, fetch: recording })),
      cache: new InMemoryCache(),
    });
    const result = await client.query({ query: gql(PRODUCTS), fetchPolicy: "network-only" });
    expect((result.data as { products: { items: unknown[] } }).products.items.length).toBeGreaterThan(0);
    // One request, the hash alone: the manifest's id is what the link computes.
    expect(sent).toHaveLength(1);
    expect(sent[0]?.query).toBeUndefined();
    expect(sent[0]?.extensions).toMatchObject(persisted(PRODUCTS));
    // An ad-hoc query comes back as a GraphQL error with its code, not a bare HTTP failure.
    await expect(client.query({ query: gql(AD_HOC), fetchPolicy: "network-only" })).rejects.toMatchObject({
      errors: [{ extensions: { code: "PERSISTED_QUERY_NOT_IN_LIST" } }],
    });
  });

  it("refuses ad-hoc operations over graphql-ws and SSE, and runs listed ones by hash", async () => {
    const ws = createWsClient({ url: stack.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    const sse = createSseClient({ url: `${stack.url}/stream` });
    try {
      for (const client of [ws, sse]) {
        const refused = await collect(client.iterate({ query: STOCK.replace("Stock", "Other") }));
        expect(JSON.stringify(refused)).toContain("PERSISTED_QUERY_NOT_IN_LIST");
        const unknownHash = await collect(client.iterate({ query: "", extensions: persisted(AD_HOC) }));
        expect(JSON.stringify(unknownHash)).toContain("PERSISTED_QUERY_NOT_IN_LIST");
        const listed = await collect(client.iterate({ query: "", extensions: persisted(PRODUCTS) }));
        expect(
          (listed[0] as { data: { products: { items: unknown[] } } }).data.products.items.length,
        ).toBeGreaterThan(0);
      }
    } finally {
      await ws.dispose();
      sse.dispose();
    }
  });

  it("delivers a persisted subscription over graphql-ws, sent by hash alone", async () => {
    const ws = createWsClient({
      url: stack.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
    });
    const seen: unknown[] = [];
    const errors: unknown[] = [];
    const unsubscribe = ws.subscribe(
      { query: "", variables: { id: productId }, extensions: persisted(STOCK) },
      { next: (result) => seen.push(result), error: (error) => errors.push(error), complete: () => {} },
    );
    try {
      await eventually(
        async () => {
          const set = await post(
            stack.url,
            { extensions: persisted(SET_STOCK), variables: { id: productId, q: 7 } },
            admin.token,
          );
          expect(set.body.data.setStock.stock).toBe(7);
          return seen.length > 0;
        },
        20_000,
        500,
      );
      expect(errors).toEqual([]);
      expect(seen[0]).toMatchObject({ data: { stockChanged: { id: productId, stock: 7 } } });
    } finally {
      unsubscribe();
      await ws.dispose();
    }
  });

  it("answers an unknown hash with PERSISTED_QUERY_NOT_FOUND when the list is not exclusive", async () => {
    const unknown = await post(open.url, { extensions: persisted(AD_HOC) });
    expect(unknown.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    const listed = await post(open.url, { extensions: persisted(PRODUCTS) });
    expect(listed.body.data.products.items.length).toBeGreaterThan(0);
    // Not exclusive: ad-hoc queries run, and APQ registration works as Apollo's does.
    const registered = await post(open.url, { query: AD_HOC, extensions: persisted(AD_HOC) });
    expect(registered.body.data.products.items).toHaveLength(1);
    const byHash = await post(open.url, { extensions: persisted(AD_HOC) });
    expect(byHash.body).toEqual(registered.body);
  });
});

async function collect(results: AsyncIterable<unknown>): Promise<unknown[]> {
  const all: unknown[] = [];
  try {
    for await (const result of results) {
      all.push(result);
      if (all.length >= 1) break;
    }
  } catch (error) {
    all.push(error);
  }
  return all;
}

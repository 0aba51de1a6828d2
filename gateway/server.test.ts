import { rename, writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSubgraph } from "../test/support/fixture-server.ts";
import {
  catalogSdl,
  INVENTORY_SDL,
  startCatalog,
  startInventory,
} from "../test/support/fixture-subgraphs.ts";
import { bearer, startTestGateway, type TestGateway } from "../test/support/gateway.ts";
import { composeSupergraph, writeSupergraph } from "../test/support/supergraph.ts";

let catalog: RunningSubgraph;
let inventory: RunningSubgraph;
let supergraphPath: string;
let gw: TestGateway;

function supergraph(withDescription: boolean): string {
  return composeSupergraph([
    // Routing URLs as a committed supergraph would have them; the gateway is told the real ones.
    { name: "catalog", url: "http://localhost:4002/graphql", typeDefs: catalogSdl({ withDescription }) },
    { name: "inventory", url: "http://localhost:4004/graphql", typeDefs: INVENTORY_SDL },
  ]);
}

beforeAll(async () => {
  [catalog, inventory] = await Promise.all([startCatalog(), startInventory()]);
  supergraphPath = await writeSupergraph(supergraph(false));
  gw = await startTestGateway({
    SUPERGRAPH_PATH: supergraphPath,
    SUBGRAPH_URLS: `catalog=${catalog.url},inventory=${inventory.url}`,
  });
});

afterAll(async () => {
  await gw?.stop();
  await Promise.all([catalog?.stop(), inventory?.stop()]);
});

async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the gateway over HTTP", () => {
  it("answers a query joining both subgraphs", async () => {
    const response = await gw.post({ query: `{ product(id: "p1") { id name stock } }` });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { product: { id: "p1", name: "Kettle", stock: 5 } } });
  });

  it("answers every one of many identical joins in flight together in full (their fetches are shared)", async () => {
    const query = `{ product(id: "p1") { id name stock } }`;
    const responses = await Promise.all(Array.from({ length: 20 }, () => gw.post({ query })));
    for (const response of responses) {
      expect(await response.json()).toEqual({ data: { product: { id: "p1", name: "Kettle", stock: 5 } } });
    }
  });

  it("answers compact JSON, without the indentation Apollo adds by default", async () => {
    const response = await gw.post({ query: `{ product(id: "p1") { id name } }` });
    expect(await response.text()).toBe('{"data":{"product":{"id":"p1","name":"Kettle"}}}');
  });

  it("says it is alive on /health", async () => {
    const response = await fetch(`${gw.origin}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("is ready when every subgraph answers its /health", async () => {
    const response = await fetch(`${gw.origin}/ready`);
    expect(await response.json()).toMatchObject({
      ready: true,
      subgraphs: { catalog: "up", inventory: "up" },
    });
    expect(response.status).toBe(200);
  });

  it("is not ready, and says which subgraph is down, when one does not answer", async () => {
    const down = await startTestGateway({
      SUPERGRAPH_PATH: supergraphPath,
      SUBGRAPH_URLS: `catalog=${catalog.url},inventory=http://127.0.0.1:9/graphql`,
    });
    try {
      const response = await fetch(`${down.origin}/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        ready: false,
        subgraphs: { catalog: "up", inventory: "down" },
      });
    } finally {
      await down.stop();
    }
  });

  it("serves the Apollo Sandbox landing page to browsers", async () => {
    const response = await fetch(gw.url, { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
    expect(await response.text()).toMatch(/EmbeddedSandbox/);
  });

  it("answers a CORS preflight so Sandbox can reach a local gateway", async () => {
    const response = await fetch(gw.url, {
      method: "OPTIONS",
      headers: {
        origin: "https://studio.apollographql.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, authorization",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-headers")).toBe("content-type, authorization");
  });

  it("keeps Apollo's CSRF prevention: a simple GET without a preflight header is refused", async () => {
    const response = await fetch(`${gw.url}?query=${encodeURIComponent("{ __typename }")}`);
    expect(response.status).toBe(400);
    const allowed = await fetch(`${gw.url}?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { "apollo-require-preflight": "true" },
    });
    expect(await allowed.json()).toEqual({ data: { __typename: "Query" } });
  });

  it("refuses a body over the size limit", async () => {
    const response = await gw.post({ query: `{ __typename }`, padding: "x".repeat(1024 * 1024) });
    expect(response.status).toBe(413);
  });

  it("points a subscription sent over HTTP to every transport that serves it", async () => {
    const response = await gw.post({ query: `subscription { stockChanged { id } }` });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]?.message).toMatch(/graphql-ws \(WebSocket.*graphql-sse.*multipart/);
  });

  it("allows introspection outside production", async () => {
    const response = await gw.post({ query: `{ __schema { subscriptionType { name } } }` });
    expect(await response.json()).toEqual({
      data: { __schema: { subscriptionType: { name: "Subscription" } } },
    });
  });
});

describe("the gateway in production", () => {
  let prod: TestGateway;
  beforeAll(async () => {
    prod = await startTestGateway({
      NODE_ENV: "production",
      JWT_SECRET: "a-production-secret-that-is-long-enough-0123",
      GATEWAY_SECRET: "a-gateway-secret-that-is-long-enough-0123",
      SUPERGRAPH_PATH: supergraphPath,
      SUBGRAPH_URLS: `catalog=${catalog.url},inventory=${inventory.url}`,
    });
  });
  afterAll(() => prod?.stop());

  it("offers no Sandbox and no introspection", async () => {
    const page = await fetch(prod.url, { headers: { accept: "text/html" } });
    expect(await page.text()).not.toMatch(/EmbeddedSandbox/);
    const response = await prod.post({ query: `{ __schema { queryType { name } } }` });
    const body = (await response.json()) as { errors?: { message: string }[] };
    expect(body.errors?.[0]?.message).toMatch(/introspection/i);
  });

  it("sends no CORS headers unless origins are configured", async () => {
    const response = await fetch(prod.url, {
      method: "OPTIONS",
      headers: { origin: "https://elsewhere.example", "access-control-request-method": "POST" },
    });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("still answers queries", async () => {
    const response = await prod.post({ query: `{ product(id: "p2") { name stock } }` });
    expect(await response.json()).toEqual({ data: { product: { name: "Teapot", stock: 0 } } });
  });
});

describe("authentication", () => {
  it("rejects an invalid token with UNAUTHENTICATED and 401", async () => {
    const response = await gw.post({ query: `{ __typename }` }, { authorization: "Bearer not-a-jwt" });
    expect(response.status).toBe(401);
    const body = (await response.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors[0]?.extensions.code).toBe("UNAUTHENTICATED");
    expect(body.errors[0]?.extensions).not.toHaveProperty("http");
  });

  it("forwards the caller's Authorization header and request id to the subgraphs", async () => {
    const authorization = bearer(gw.tokens, { id: "u1", roles: ["CUSTOMER"] });
    const response = await gw.post(
      { query: `{ seenAuthorization }` },
      { authorization, "x-request-id": "req-42" },
    );
    expect(await response.json()).toEqual({ data: { seenAuthorization: authorization } });
    expect(catalog.requests.at(-1)).toEqual({ authorization, requestId: "req-42" });
  });

  it("lets anonymous callers through without a header", async () => {
    const response = await gw.post({ query: `{ seenAuthorization }` });
    expect(await response.json()).toEqual({ data: { seenAuthorization: null } });
  });
});

describe("supergraph hot reload", () => {
  const described = `{ product(id: "p1") { description } }`;

  it("picks up a supergraph replaced on disk, as editors and compose do", async () => {
    const first = await gw.post({ query: described });
    expect(first.status).toBe(400);
    await writeFile(`${supergraphPath}.tmp`, supergraph(true));
    await rename(`${supergraphPath}.tmp`, supergraphPath);
    const body = await until(async () => {
      const response = await gw.post({ query: described });
      return response.status === 200 ? response.json() : undefined;
    });
    expect(body).toEqual({ data: { product: { description: "Boils water" } } });
  });

  it("keeps the current supergraph when the new file is broken", async () => {
    await writeFile(supergraphPath, "this is not a supergraph");
    expect(await gw.gateway.reloadSupergraph()).toBe(false);
    const response = await gw.post({ query: described });
    expect(await response.json()).toEqual({ data: { product: { description: "Boils water" } } });
  });
});

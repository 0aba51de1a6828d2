// Under NODE_ENV=production a subgraph port answers the gateway alone (GATEWAY_SECRET), errors tell no schema
// and no address, and client mistakes are refused before any subgraph or database sees them.
import { fileURLToPath } from "node:url";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { eventually } from "../../events/testing/wait.ts";
import { parseConfig } from "../../gateway/config.ts";
import { buildGateway } from "../../gateway/server.ts";
import { GATEWAY_SECRET_HEADER } from "../../platform/auth/gateway-secret.ts";
import { silentLogger } from "../../platform/logger.ts";
import { testEnv } from "../support/config.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const GATEWAY_SECRET = "production-walls-gateway-secret-0123456789";
const LEAKS = /ECONNREFUSED|127\.0\.0\.1|localhost|:\d{4,5}\b|insert into|select |Failed query|Did you mean/i;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    subgraphs: ["accounts", "catalog", "feed"],
    env: { NODE_ENV: "production", GATEWAY_SECRET, ADMIN_PASSWORD: "walls-admin-password" },
  });
}, 180_000);
afterAll(() => stack?.stop());

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: { code?: string; serviceName?: string } }[];
  };
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
}

const subgraphUrl = (name: "accounts" | "catalog" | "feed") => stack.subgraphs.get(name)!.url;
const asGateway = { [GATEWAY_SECRET_HEADER]: GATEWAY_SECRET };

// What an attacker who reaches a subgraph port would send to skip the gateway's walls.
const aliases = Array.from({ length: 1000 }, (_, i) => `a${i}: __typename`).join(" ");
const DIRECT_ATTEMPTS: [name: "accounts" | "catalog", what: string, body: unknown][] = [
  [
    "accounts",
    "a wrong password (the gateway's login throttle)",
    { query: 'mutation { login(email: "admin@tributary.dev", password: "guess") { accessToken } }' },
  ],
  ["catalog", "1,000 aliases (the gateway's limits)", { query: `{ ${aliases} }` }],
  [
    "catalog",
    "an _entities fetch",
    { query: '{ _entities(representations: [{ __typename: "Product", id: "x" }]) { __typename } }' },
  ],
  ["catalog", "the SDL (_service)", { query: "{ _service { sdl } }" }],
];

describe("subgraphs answer the gateway alone", () => {
  for (const [name, what, body] of DIRECT_ATTEMPTS) {
    it(`refuses ${what} sent straight to ${name}: 401 before GraphQL runs, even with a valid user token`, async () => {
      const { authorization } = tokenFor(["ADMIN"]);
      const callers: Record<string, string>[] = [
        {},
        { authorization },
        { [GATEWAY_SECRET_HEADER]: "x".repeat(GATEWAY_SECRET.length) },
      ];
      for (const headers of callers) {
        const answer = await post(subgraphUrl(name), body, headers);
        expect(answer.status).toBe(401);
        expect(answer.body.data).toBeUndefined();
        expect(answer.headers.get("www-authenticate")).toBe("GatewaySecret");
        expect(answer.body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
        expect(answer.text).not.toMatch(/sdl|__typename|accessToken/);
      }
    });
  }

  it("answers the gateway's secret, and the gateway itself works", async () => {
    const direct = await post(subgraphUrl("catalog"), { query: "{ _service { sdl } }" }, asGateway);
    expect(direct.status).toBe(200);
    expect(direct.body.data?._service).toMatchObject({ sdl: expect.stringContaining("type Product") });
    const through = await post(stack.url, { query: "{ products { items { id } } }" });
    expect(through.body).toEqual({ data: { products: { items: [] } } });
  });

  it("lets the subscription engine's own subgraph calls through: events are resolved and delivered", async () => {
    const { id, authorization } = tokenFor();
    const client = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const received = new Promise<unknown>((resolve, reject) => {
        client.subscribe(
          { query: `subscription { postPublished(authorId: "${id}") { message author { id } } }` },
          { next: resolve, error: reject, complete: () => {} },
        );
      });
      await eventually(async () => stack.gateway.stats().subscribers > 0);
      const published = await post(
        stack.url,
        { query: 'mutation { publishPost(message: "over the wall") { id } }' },
        { authorization },
      );
      expect(published.body.errors).toBeUndefined();
      expect(await received).toMatchObject({
        data: { postPublished: { message: "over the wall", author: { id } } },
      });
    } finally {
      await client.dispose();
    }
  });

  it("keeps /health and /metrics open", async () => {
    for (const name of ["accounts", "catalog", "feed"] as const) {
      const base = subgraphUrl(name).replace(/\/graphql$/, "");
      expect((await fetch(`${base}/health`)).status).toBe(200);
      expect((await fetch(`${base}/metrics`)).status).toBe(200);
    }
  });
});

describe("errors in production", () => {
  it("suggest no field names, at the gateway or at a subgraph", async () => {
    for (const [url, headers] of [
      [stack.url, {}],
      [subgraphUrl("catalog"), asGateway],
    ] as const) {
      const answer = await post(url, { query: "{ productz { id } }" }, headers);
      expect(answer.status).toBe(400);
      expect(answer.body.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(answer.text).not.toMatch(/Did you mean|"products?"/);
    }
  });

  it("refuse lone surrogates in feed's publishPost and catalog's search, literal or variable: BAD_USER_INPUT, no SQL", async () => {
    const { id, authorization } = tokenFor();
    const publish = "mutation($m: String!) { publishPost(message: $m) { id } }";
    const search = "query($s: String) { products(search: $s) { items { id } } }";
    const attempts: [string, unknown, Record<string, string>][] = [
      [stack.url, { query: publish, variables: { m: "hi \ud800 there" } }, { authorization }],
      [stack.url, { query: 'mutation { publishPost(message: "hi \\ud800") { id } }' }, { authorization }],
      [stack.url, { query: search, variables: { s: "\udfff" } }, {}],
      [stack.url, { query: '{ products(search: "x\udfff") { items { id } } }' }, {}],
      // The subgraphs refuse it on their own too, whoever calls.
      [subgraphUrl("feed"), { query: publish, variables: { m: "\ud800" } }, { authorization, ...asGateway }],
      [subgraphUrl("catalog"), { query: '{ products(search: "\\udc00") { items { id } } }' }, asGateway],
    ];
    for (const [url, body, headers] of attempts) {
      const answer = await post(url, body, headers);
      expect(answer.status).toBe(400);
      expect(answer.body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(answer.body.errors?.[0]?.message).toMatch(/lone UTF-16 surrogate/);
      expect(answer.text).not.toMatch(LEAKS);
    }
    // Nothing was written: this author has no post.
    const posts = await post(stack.url, { query: `{ posts(authorId: "${id}") { nodes { id } } }` });
    expect(posts.body.data).toEqual({ posts: { nodes: [] } });
  });
});

describe("a gateway whose secret differs", () => {
  it("is refused by the subgraphs; its clients see the service unavailable, not a token problem", async () => {
    const config = parseConfig(
      testEnv({
        NODE_ENV: "production",
        GATEWAY_SECRET: `${GATEWAY_SECRET}-old`,
        SUPERGRAPH_PATH: fileURLToPath(new URL("../../schemas/supergraph.graphql", import.meta.url)),
        SUPERGRAPH_WATCH: "false",
        SUBSCRIPTIONS_ENABLED: "false",
        SUBGRAPH_URLS: [...stack.subgraphs].map(([name, s]) => `${name}=${s.url}`).join(","),
      }),
    );
    const stale = await buildGateway(config, { logger: silentLogger });
    try {
      const { url } = await stale.listen(0, "127.0.0.1");
      const answer = await post(url, { query: "{ products { items { id } } }" });
      expect(answer.status).toBe(503);
      expect(answer.body.errors?.[0]).toMatchObject({
        message: "The catalog service is unavailable; try again shortly.",
        extensions: { code: "SERVICE_UNAVAILABLE" },
      });
    } finally {
      await stale.stop();
    }
  });
});

// Last: it stops catalog for good.
describe("a subgraph that is down", () => {
  it("is SERVICE_UNAVAILABLE naming it, no host or port; 503 when nothing was answered, 200 with partial data", async () => {
    const catalog = stack.subgraphs.get("catalog")!;
    await catalog.stop();
    stack.subgraphs.delete("catalog");

    const nothing = await post(stack.url, { query: "{ products { items { id } } }" });
    expect(nothing.status).toBe(503);
    expect(nothing.body.data).toBeNull();
    expect(nothing.body.errors).toEqual([
      expect.objectContaining({
        message: "The catalog service is unavailable; try again shortly.",
        extensions: expect.objectContaining({ code: "SERVICE_UNAVAILABLE", serviceName: "catalog" }),
      }),
    ]);
    expect(nothing.text).not.toMatch(LEAKS);

    const partial = await post(stack.url, {
      query: '{ product(id: "00000000-0000-4000-8000-000000000000") { name } me { id } }',
    });
    expect(partial.status).toBe(200);
    expect(partial.body.data).toEqual({ product: null, me: null });
    expect(partial.body.errors?.map((e) => e.extensions?.code)).toEqual(["SERVICE_UNAVAILABLE"]);
    expect(partial.text).not.toMatch(LEAKS);
  });
});

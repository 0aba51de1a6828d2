import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { parse } from "graphql";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SIDE_EFFECT_HEADER } from "../../platform/http/side-effects.ts";
import type { GatewayContext } from "../context.ts";
import { ForwardingDataSource } from "./data-source.ts";
import { createSubgraphHttp } from "./subgraph-http.ts";

interface Received {
  headers: IncomingMessage["headers"];
  body: { query: string; variables?: Record<string, unknown> };
}

// A subgraph that holds every answer until the test releases it, so "in flight at the same time" is certain.
let server: Server;
let url: string;
const received: Received[] = [];
let held: (() => void)[] = [];
const kettle = (res: ServerResponse) => {
  res.setHeader("content-type", "application/json");
  res.end(JSON.stringify({ data: { product: { name: "Kettle" } } }));
};
let answer: (res: ServerResponse) => void = kettle;
const http = createSubgraphHttp();

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = "";
    req.on("data", (chunk) => {
      text += chunk;
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body: JSON.parse(text) });
      held.push(() => answer(res));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterEach(() => {
  received.length = 0;
  held = [];
  answer = kettle;
});

afterAll(async () => {
  http.close();
  await new Promise((resolve) => server.close(resolve));
});

async function releaseWhenReceived(count: number): Promise<void> {
  while (received.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  for (const release of held.splice(0)) release();
}

function call(
  source: ForwardingDataSource,
  options: { operation?: "query" | "mutation"; context?: Partial<GatewayContext>; query?: string },
) {
  const context = { viewer: null, requestId: "r-1", shareSubgraphFetches: true, ...options.context };
  return source.process({
    kind: "incoming operation",
    request: { query: options.query ?? `{ product(id: "p1") { name } }`, variables: {} },
    context,
    incomingRequestContext: {
      operation: parse(`${options.operation ?? "query"} { x }`).definitions[0],
      context,
      overallCachePolicy: undefined,
    },
  } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);
}

describe("the subgraph data source", () => {
  it("forwards the caller's token and request id and answers with the subgraph's data", async () => {
    const source = new ForwardingDataSource({ name: "catalog", url, http });
    const response = call(source, { context: { authorization: "Bearer t1", requestId: "r-42" } });
    await releaseWhenReceived(1);
    expect((await response).data).toEqual({ product: { name: "Kettle" } });
    expect(received[0]?.headers).toMatchObject({ authorization: "Bearer t1", "x-request-id": "r-42" });
    expect(received[0]?.body.query).toBe(`{ product(id: "p1") { name } }`);
  });

  it("sends identical queries in flight at the same time once, each caller getting its own copy", async () => {
    const source = new ForwardingDataSource({ name: "catalog", url, http });
    const calls = [call(source, {}), call(source, {}), call(source, {})];
    await releaseWhenReceived(1);
    const responses = await Promise.all(calls);
    expect(received).toHaveLength(1);
    expect(responses.map((r) => r.data)).toEqual(Array(3).fill({ product: { name: "Kettle" } }));
    expect(responses[0]?.data).not.toBe(responses[1]?.data);
    // Apollo merges into these objects: what one caller's merge adds must not show up in another's answer.
    const products = responses.map((r) => (r.data as { product: Record<string, unknown> }).product);
    products[1]!.stock = 3;
    expect(products[2]).toEqual({ name: "Kettle" });
    expect(products[0]).not.toBe(products[2]);
  });

  it("never shares between different viewers", async () => {
    const source = new ForwardingDataSource({ name: "catalog", url, http });
    const calls = [
      call(source, { context: { authorization: "Bearer alice" } }),
      call(source, { context: { authorization: "Bearer bob" } }),
    ];
    await releaseWhenReceived(2);
    await Promise.all(calls);
    expect(received.map((r) => r.headers.authorization).sort()).toEqual(["Bearer alice", "Bearer bob"]);
  });

  it("never shares fetches of a mutation, nor of requests that did not opt in", async () => {
    const source = new ForwardingDataSource({ name: "catalog", url, http });
    const calls = [
      call(source, { operation: "mutation" }),
      call(source, { operation: "mutation" }),
      call(source, { context: { shareSubgraphFetches: false } }),
      call(source, { context: { shareSubgraphFetches: false } }),
    ];
    await releaseWhenReceived(4);
    await Promise.all(calls);
    expect(received).toHaveLength(4);
  });

  it("gives an answer the subgraph marks as having a side effect to one caller only; the others send their own", async () => {
    const source = new ForwardingDataSource({ name: "blog", url, http });
    const normal = answer;
    let views = 0;
    answer = (res) => {
      res.setHeader("content-type", "application/json");
      res.setHeader(SIDE_EFFECT_HEADER, "1");
      res.end(JSON.stringify({ data: { article: { viewsCount: ++views } } }));
    };
    try {
      const responses = Array.from({ length: 5 }, () =>
        call(source, { query: `{ article(id: "a1") { viewsCount } }` }),
      );
      await releaseWhenReceived(1);
      await releaseWhenReceived(5);
      const counts = (await Promise.all(responses)).map(
        (r) => (r.data as { article: { viewsCount: number } }).article.viewsCount,
      );
      expect(counts.sort()).toEqual([1, 2, 3, 4, 5]);
      expect(received).toHaveLength(5);
    } finally {
      answer = normal;
    }
  });

  it("turns a non-2xx answer into the coded error Apollo's own data source raises", async () => {
    const source = new ForwardingDataSource({ name: "catalog", url, http });
    answer = (res) => {
      res.statusCode = 401;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ errors: [{ message: "bad token" }] }));
    };
    const response = call(source, {});
    await releaseWhenReceived(1);
    await expect(response).rejects.toMatchObject({
      message: "401: Unauthorized",
      extensions: {
        code: "UNAUTHENTICATED",
        response: { status: 401, body: { errors: [{ message: "bad token" }] } },
      },
    });
    // Not the subgraph's address: clients learn nothing about internal hosts and ports.
    await expect(response.catch((error) => JSON.stringify(error))).resolves.not.toContain("127.0.0.1");
  });

  it("sends the gateway secret on every request when it has one", async () => {
    const secret = "a-gateway-secret-that-is-long-enough-0123";
    const source = new ForwardingDataSource({ name: "catalog", url, http, secret });
    const response = call(source, { operation: "mutation" });
    await releaseWhenReceived(1);
    await response;
    expect(received[0]?.headers["x-gateway-secret"]).toBe(secret);
  });

  it("reports a subgraph refusing the gateway's secret as the service being unavailable, not the client's token", async () => {
    answer = (res) => {
      res.statusCode = 401;
      res.setHeader("www-authenticate", "GatewaySecret");
      res.end(JSON.stringify({ errors: [{ message: "This service answers only the gateway" }] }));
    };
    const response = call(
      new ForwardingDataSource({ name: "accounts", url, http, secret: "s".repeat(32) }),
      {},
    );
    await releaseWhenReceived(1);
    const error = (await response.catch((e: unknown) => e)) as { originalError?: Error };
    expect(error).toMatchObject({ extensions: { code: "SERVICE_UNAVAILABLE", serviceName: "accounts" } });
    expect(error.originalError?.message).toMatch(/GATEWAY_SECRET is not the same/);
  });

  it("names the service, never its address, when it cannot be reached or a proxy says it is down", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = new ForwardingDataSource({ name: "orders", url: `http://127.0.0.1:${port}/graphql`, http });
    const refused = await call(down, {}).catch((error: Error) => error);
    expect(refused).toMatchObject({
      message: "The orders service is unavailable; try again shortly.",
      extensions: { code: "SERVICE_UNAVAILABLE", serviceName: "orders" },
    });
    expect(JSON.stringify(refused)).not.toMatch(new RegExp(`ECONNREFUSED|127\\.0\\.0\\.1|${port}`));

    answer = (res) => {
      res.statusCode = 503;
      res.end("no healthy upstream");
    };
    const proxied = call(new ForwardingDataSource({ name: "catalog", url, http }), {});
    await releaseWhenReceived(1);
    await expect(proxied).rejects.toMatchObject({ extensions: { code: "SERVICE_UNAVAILABLE" } });
  });
});

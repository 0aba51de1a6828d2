import { randomUUID } from "node:crypto";
import { type AddressInfo, connect, createServer, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { createClient as createSseClient } from "graphql-sse";
import { createClient } from "graphql-ws";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { CLIENT_IP_HEADER } from "../../platform/http/graphql.ts";
import { bearer, startTestGateway, type TestGateway } from "../../test/support/gateway.ts";

const SUPERGRAPH = fileURLToPath(new URL("../../schemas/supergraph.graphql", import.meta.url));
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const started: TestGateway[] = [];

afterAll(async () => {
  await Promise.all(started.map((gw) => gw.stop()));
});

/** A gateway without subgraphs: the limiter answers before anything would be planned or called. */
async function gateway(env: Record<string, string>): Promise<TestGateway> {
  const gw = await startTestGateway({
    SUPERGRAPH_PATH: SUPERGRAPH,
    SUPERGRAPH_WATCH: "false",
    RATE_LIMIT_KEY_PREFIX: `test-${randomUUID()}`,
    ...env,
  });
  started.push(gw);
  return gw;
}

async function ask(gw: TestGateway, query = "{ __typename }", headers: Record<string, string> = {}) {
  const response = await gw.post({ query }, headers);
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    code: body.errors?.[0]?.extensions?.code,
  };
}

/** A TCP proxy to Redis that holds every new connection for `delayMs` first, like a Redis still starting. */
async function delayedProxy(target: string, delayMs: number) {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    sockets.add(client);
    setTimeout(() => {
      const upstream = connect(Number(port), hostname, () => client.pipe(upstream).pipe(client));
      sockets.add(upstream);
    }, delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** What the graphql-ws and graphql-sse clients have in common, as these tests use them. */
interface StreamingClient {
  subscribe(
    payload: { query: string },
    sink: {
      next(result: { errors?: readonly { extensions?: Record<string, unknown> }[] }): void;
      error(error: unknown): void;
      complete(): void;
    },
  ): unknown;
  dispose(): unknown;
}

const login = (email: string) =>
  `mutation { login(email: "${email}", password: "wrong-password") { token } }`;

describe("rate limits", () => {
  it("allows the rate plus the burst per IP, then answers 429 RATE_LIMITED with Retry-After", async () => {
    const gw = await gateway({ RATE_LIMIT_POINTS: "3", RATE_LIMIT_BURST_POINTS: "2" });
    for (let i = 0; i < 5; i++) expect((await ask(gw)).status).toBe(200);
    const refused = await ask(gw);
    expect(refused).toMatchObject({ status: 429, code: "RATE_LIMITED" });
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    // A signed-in caller is counted by its token's subject, not by the shared IP.
    const user = { authorization: bearer(gw.tokens, { id: randomUUID(), roles: ["CUSTOMER"] }) };
    expect((await ask(gw, "{ __typename }", user)).status).toBe(200);
  });

  it("counts by the socket's address: a client-sent client-IP header cannot buy a fresh budget", async () => {
    const gw = await gateway({ RATE_LIMIT_POINTS: "2", RATE_LIMIT_BURST_POINTS: "0" });
    const spoof = (i: number) => ({
      [CLIENT_IP_HEADER]: `203.0.113.${i}`,
      "x-forwarded-for": `198.51.100.${i}`,
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await ask(gw, "{ __typename }", spoof(i))).status);
    expect(statuses).toEqual([200, 200, 429]);
  });

  it.each([
    [
      "graphql-ws",
      (gw: TestGateway) => createClient({ url: gw.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 }),
    ],
    [
      "graphql-sse",
      (gw: TestGateway) =>
        createSseClient({ url: gw.url.replace(/\/graphql$/, "/graphql/stream"), retryAttempts: 0 }),
    ],
  ] as const)(
    "counts an operation over %s against its connection's IP, the same budget as HTTP",
    async (_, connect) => {
      const gw = await gateway({ RATE_LIMIT_POINTS: "2", RATE_LIMIT_BURST_POINTS: "0" });
      for (let i = 0; i < 2; i++) expect((await ask(gw)).status).toBe(200);
      // Same address, budget spent over HTTP: refused, so a stream is not a way around the limit of its address.
      const client: StreamingClient = connect(gw);
      try {
        const errors = await new Promise<readonly { extensions?: Record<string, unknown> }[]>((resolve) => {
          client.subscribe(
            { query: "{ __typename }" },
            {
              next: (result) => resolve(result.errors ?? []),
              error: (error) =>
                resolve(Array.isArray(error) ? error : [{ extensions: { error: String(error) } }]),
              complete: () => resolve([]),
            },
          );
        });
        expect(errors[0]?.extensions?.code).toBe("RATE_LIMITED");
      } finally {
        await client.dispose();
      }
    },
  );

  it("limits login attempts per email and IP more strictly than other requests", async () => {
    const gw = await gateway({ RATE_LIMIT_LOGIN_POINTS: "2" });
    for (let i = 0; i < 2; i++)
      expect((await ask(gw, login("victim@example.com"))).code).not.toBe("RATE_LIMITED");
    expect(await ask(gw, login("victim@example.com"))).toMatchObject({ status: 429, code: "RATE_LIMITED" });
    expect(await ask(gw, login("VICTIM@example.com "))).toMatchObject({ status: 429 });
    expect((await ask(gw, login("someone-else@example.com"))).code).not.toBe("RATE_LIMITED");
    expect((await ask(gw)).status).toBe(200);
  });

  it("shares one budget between gateways through Redis", async () => {
    const prefix = `test-${randomUUID()}`;
    const env = {
      REDIS_URL,
      RATE_LIMIT_KEY_PREFIX: prefix,
      RATE_LIMIT_POINTS: "4",
      RATE_LIMIT_BURST_POINTS: "0",
    };
    const [a, b] = [await gateway(env), await gateway(env)];
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await ask(i % 2 === 0 ? a : b)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it("waits for a slow Redis before serving, so the first request counts in the shared budget", async () => {
    const slowRedis = await delayedProxy(REDIS_URL, 500);
    const prefix = `test-${randomUUID()}`;
    const gw = await gateway({ REDIS_URL: slowRedis.url, RATE_LIMIT_KEY_PREFIX: prefix });
    expect((await ask(gw)).status).toBe(200);
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${prefix}:rate:*`);
      expect(keys).toHaveLength(1);
      expect(await redis.get(keys[0] as string)).toBe("1");
    } finally {
      redis.disconnect();
      await slowRedis.close();
    }
  });

  it("falls back to the in-memory limiter when Redis is unreachable", async () => {
    const gw = await gateway({
      REDIS_URL: "redis://127.0.0.1:1",
      RATE_LIMIT_POINTS: "2",
      RATE_LIMIT_BURST_POINTS: "0",
    });
    expect([(await ask(gw)).status, (await ask(gw)).status, (await ask(gw)).status]).toEqual([200, 200, 429]);
  });
});

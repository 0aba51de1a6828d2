import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { createClient as createSseClient } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { parseConfig } from "./config.ts";
import { buildGateway, type Gateway } from "./server.ts";

// The caller's mistakes answer 4xx with a code, the same code over HTTP, graphql-ws and graphql-sse, and are
// never logged as errors. No subgraph runs: every refusal happens before one would be called.
const SUPERGRAPH = fileURLToPath(new URL("../schemas/supergraph.graphql", import.meta.url));
const ERROR = 50;

interface Running {
  gateway: Gateway;
  url: string;
  errorsLogged: () => unknown[];
}

async function start(env: Record<string, string>): Promise<Running> {
  const logged: { level: number }[] = [];
  // The real logger, writing its JSON lines here so the test reads what an operator would.
  const logger = pino(
    { level: "info" },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(JSON.parse(chunk.toString()));
        done();
      },
    }),
  );
  const config = parseConfig({
    SUPERGRAPH_PATH: SUPERGRAPH,
    SUPERGRAPH_WATCH: "false",
    SUBSCRIPTIONS_ENABLED: "false",
    SHUTDOWN_TIMEOUT_MS: "1000",
    ...env,
  });
  const gateway = await buildGateway(config, { logger });
  const { url } = await gateway.listen(0, "127.0.0.1");
  return { gateway, url, errorsLogged: () => logged.filter((line) => line.level >= ERROR) };
}

interface Request {
  query: string;
  operationName?: string;
  variables?: Record<string, unknown>;
}

interface Outcome {
  status?: number;
  code?: unknown;
  message?: string;
}

type FirstError = { message?: string; extensions?: { code?: unknown } } | undefined;
const outcome = (first: FirstError): Outcome => ({ code: first?.extensions?.code, message: first?.message });

async function overHttp(gw: Running, request: Request): Promise<Outcome> {
  const response = await fetch(gw.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  const body = (await response.json()) as { errors?: FirstError[] };
  return { status: response.status, ...outcome(body.errors?.[0]) };
}

async function overWebSocket(gw: Running, request: Request): Promise<Outcome> {
  const client = createWsClient({
    url: gw.url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
  try {
    return await new Promise<Outcome>((resolve) => {
      client.subscribe(request, {
        next: (result) => resolve(outcome(result.errors?.[0] as FirstError)),
        error: (errors) => resolve(outcome((errors as FirstError[])[0])),
        complete: () => {},
      });
    });
  } finally {
    await client.dispose();
  }
}

async function overSse(gw: Running, request: Request): Promise<Outcome> {
  const client = createSseClient({ url: gw.url.replace(/\/graphql$/, "/graphql/stream"), retryAttempts: 0 });
  try {
    return await new Promise<Outcome>((resolve) => {
      client.subscribe(request, {
        next: (result) => resolve(outcome(result.errors?.[0] as FirstError)),
        error: (error) => resolve({ message: String(error) }),
        complete: () => {},
      });
    });
  } finally {
    client.dispose();
  }
}

/** The same request over the three transports: HTTP's status, and each one's first error. */
async function everywhere(gw: Running, request: Request) {
  const http = await overHttp(gw, request);
  const ws = await overWebSocket(gw, request);
  const sse = await overSse(gw, request);
  return { http, ws, sse };
}

const PRODUCTS = "query Find($s: String) { products(search: $s) { items { id } } }";

const MISTAKES: [what: string, request: Request, code: string, message: RegExp][] = [
  [
    "several operations without operationName",
    { query: "query A { __typename } query B { __typename }" },
    "OPERATION_RESOLUTION_FAILURE",
    /several operations; name the one to run in operationName \(A, B\)/,
  ],
  [
    "an unknown operationName",
    { query: "query A { __typename }", operationName: "X" },
    "OPERATION_RESOLUTION_FAILURE",
    /no operation named "X"/,
  ],
  ["a syntax error", { query: "{ products(" }, "GRAPHQL_PARSE_FAILED", /^Syntax Error/],
  [
    "an unknown field",
    { query: "{ productz { id } }" },
    "GRAPHQL_VALIDATION_FAILED",
    /Cannot query field "productz" on type "Query"/,
  ],
  [
    "a lone surrogate in a variable (catalog's products(search:))",
    { query: PRODUCTS, variables: { s: "kettle \ud800" } },
    "BAD_USER_INPUT",
    /^variables\.s holds a lone UTF-16 surrogate \(U\+D800\)/,
  ],
  [
    "a lone surrogate escaped in a literal (feed's publishPost(message:))",
    { query: 'mutation { publishPost(message: "hi \\udc00 there") { id } }' },
    "BAD_USER_INPUT",
    /^The document \(line 1, column 37\) holds a lone UTF-16 surrogate \(U\+DC00\)/,
  ],
  [
    "a subscription with an unknown field",
    { query: "subscription { postPublished { id mesage } }" },
    "GRAPHQL_VALIDATION_FAILED",
    /Cannot query field "mesage" on type "Post"/,
  ],
  [
    "a subscription with a lone surrogate in a variable",
    { query: "subscription($a: ID) { postPublished(authorId: $a) { id } }", variables: { a: "\udbff" } },
    "BAD_USER_INPUT",
    /^variables\.a holds a lone UTF-16 surrogate \(U\+DBFF\)/,
  ],
  [
    "a raw lone surrogate in a literal (accounts' login(email:))",
    { query: 'mutation { login(email: "a\ud83d@example.com", password: "x") { accessToken } }' },
    "BAD_USER_INPUT",
    /^The document \(line 1, column 27\) holds a lone UTF-16 surrogate \(U\+D83D\)/,
  ],
  [
    "a subscription whose root field is switched off by @include",
    {
      query: "subscription($on: Boolean!) { stockChanged @include(if: $on) { id } }",
      variables: { on: false },
    },
    "GRAPHQL_VALIDATION_FAILED",
    /root field cannot be conditional/,
  ],
  [
    "a subscription whose root fragment is switched off by @skip",
    { query: "subscription { ... on Subscription @skip(if: true) { postPublished { id } } }" },
    "GRAPHQL_VALIDATION_FAILED",
    /root field cannot be conditional/,
  ],
];

describe("client mistakes", () => {
  let gw: Running;
  beforeAll(async () => {
    gw = await start({ NODE_ENV: "test" });
  });
  afterAll(() => gw?.gateway.stop());

  for (const [what, request, code, message] of MISTAKES) {
    it(`${what}: 400 ${code} over HTTP, the same over graphql-ws and graphql-sse`, async () => {
      const { http, ws, sse } = await everywhere(gw, request);
      expect(http).toMatchObject({ status: 400, code });
      expect(http.message).toMatch(message);
      expect(ws).toEqual({ code: http.code, message: http.message });
      expect(sse).toEqual(ws);
    });
  }

  it("a subscription variable of the wrong type: BAD_USER_INPUT over graphql-ws and graphql-sse", async () => {
    const request = {
      query: "subscription($a: String) { articlePublished(after: $a) { id } }",
      variables: { a: 42 },
    };
    const { ws, sse } = await everywhere(gw, request);
    expect(ws).toMatchObject({
      code: "BAD_USER_INPUT",
      message: expect.stringMatching(/got invalid value 42/),
    });
    expect(sse).toEqual(ws);
  });

  it("logs none of them as an error: they are the caller's doing", () => {
    expect(gw.errorsLogged()).toEqual([]);
  });
});

describe("client mistakes in production", () => {
  let gw: Running;
  beforeAll(async () => {
    gw = await start({
      NODE_ENV: "production",
      JWT_SECRET: "a-production-secret-that-is-long-enough-0123",
      GATEWAY_SECRET: "a-gateway-secret-that-is-long-enough-0123",
    });
  });
  afterAll(() => gw?.gateway.stop());

  it("suggests no field, argument or enum value over any transport: the schema stays unlisted", async () => {
    const typos: Request[] = [
      { query: "{ productz { id } }" },
      { query: '{ products(serch: "x") { items { id } } }' },
      { query: "{ products { items { nme } } }" },
      { query: "{ myOrders(status: SHIPED) { items { id } } }" },
    ];
    for (const request of typos) {
      const { http, ws, sse } = await everywhere(gw, request);
      expect(http).toMatchObject({ status: 400, code: "GRAPHQL_VALIDATION_FAILED" });
      for (const answer of [http, ws, sse]) expect(answer.message).not.toMatch(/Did you mean/i);
      expect(ws).toEqual({ code: http.code, message: http.message });
      expect(sse).toEqual(ws);
    }
  });

  it("suggests nothing when a variable's value is wrong either", async () => {
    const request = {
      query: "query($s: OrderStatus) { myOrders(status: $s) { items { id } } }",
      variables: { s: "SHIPED" },
    };
    const http = await overHttp(gw, request);
    expect(http).toMatchObject({ status: 400, code: "BAD_USER_INPUT" });
    expect(http.message).toMatch(/Value "SHIPED" does not exist in "OrderStatus" enum\.$/);
    expect(http.message).not.toMatch(/Did you mean/i);
  });
});

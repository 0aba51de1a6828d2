import { fileURLToPath } from "node:url";
import { createClient as createSseClient } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestGateway, type TestGateway } from "../../../test/support/gateway.ts";

const SUPERGRAPH = fileURLToPath(new URL("../../../schemas/supergraph.graphql", import.meta.url));
let gw: TestGateway;

beforeAll(async () => {
  // No subgraphs and no Kafka: every refusal happens at subscribe time, before planning or consuming.
  gw = await startTestGateway({
    SUPERGRAPH_PATH: SUPERGRAPH,
    SUPERGRAPH_WATCH: "false",
    MAX_DOCUMENT_BYTES: "2000",
    MAX_DEPTH: "4",
    MAX_ALIASES: "3",
    MAX_ROOT_FIELDS: "3",
    MAX_COST: "500",
    // Lists count 30 items: `articles { tags }` alone costs 30 * (1 + 30).
    DEFAULT_LIST_SIZE: "30",
  });
});
afterAll(() => gw?.stop());

interface Outcome {
  code?: unknown;
  message?: string;
}

/** The first error a graphql-ws subscribe gets, or "subscribed" once the gateway registered it. */
async function overWebSocket(query: string): Promise<Outcome | "subscribed"> {
  const client = createWsClient({ url: gw.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
  const before = gw.gateway.stats().subscribers;
  try {
    return await new Promise<Outcome | "subscribed">((resolve) => {
      client.subscribe(
        { query },
        {
          next: (result) => resolve({ ...result.errors?.[0], code: result.errors?.[0]?.extensions?.code }),
          error: (errors) => {
            const first = (errors as { message: string; extensions?: { code?: unknown } }[])[0];
            resolve({ message: first?.message, code: first?.extensions?.code });
          },
          complete: () => {},
        },
      );
      const registered = setInterval(() => {
        if (gw.gateway.stats().subscribers > before) {
          clearInterval(registered);
          resolve("subscribed");
        }
      }, 10);
    });
  } finally {
    await client.dispose();
  }
}

/** The first result a graphql-sse subscribe gets: the refusal arrives as a result carrying errors. */
async function overSse(query: string): Promise<Outcome> {
  const client = createSseClient({ url: gw.url.replace(/\/graphql$/, "/graphql/stream"), retryAttempts: 0 });
  try {
    return await new Promise<Outcome>((resolve) => {
      client.subscribe(
        { query },
        {
          next: (result) => {
            const first = result.errors?.[0];
            resolve({ message: first?.message, code: first?.extensions?.code });
          },
          error: (error) => resolve({ message: String(error) }),
          complete: () => {},
        },
      );
    });
  } finally {
    client.dispose();
  }
}

/** How HTTP refuses the same document (a subscription there is refused for its transport only after limits). */
async function overHttp(query: string): Promise<Outcome> {
  const body = (await (await gw.post({ query })).json()) as {
    errors?: { message: string; extensions?: { code?: unknown } }[];
  };
  return { message: body.errors?.[0]?.message, code: body.errors?.[0]?.extensions?.code };
}

const OVER_LIMIT: [string, string, RegExp][] = [
  [
    "DOCUMENT_TOO_LARGE",
    `subscription { stockChanged { id ${" ".repeat(2100)}} }`,
    /document size in bytes is \d+; the limit is 2000/,
  ],
  [
    "OPERATION_TOO_DEEP",
    "subscription { articlePublished { author { articles { author { name } } } } }",
    /depth is 5; the limit is 4/,
  ],
  [
    "TOO_MANY_ALIASES",
    "subscription { stockChanged { a: id b: name c: stock d: inStock } }",
    /number of aliases is 4; the limit is 3/,
  ],
  [
    "OPERATION_TOO_COMPLEX",
    "subscription { articlePublished { author { articles { tags } } } }",
    /estimated cost is \d+; the limit is 500/,
  ],
];

describe("operation limits on subscriptions", () => {
  it("subscribes to an operation within every limit", async () => {
    expect(await overWebSocket("subscription { stockChanged { id name stock } }")).toBe("subscribed");
  });

  for (const [code, query, message] of OVER_LIMIT) {
    it(`refuses ${code} at subscribe time over graphql-ws and graphql-sse, as HTTP does`, async () => {
      const ws = await overWebSocket(query);
      const sse = await overSse(query);
      const http = await overHttp(query);
      expect(ws).toMatchObject({ code });
      expect((ws as Outcome).message).toMatch(message);
      expect(sse).toEqual(ws);
      expect(http).toEqual(ws);
    });
  }

  it("refuses several root fields as HTTP does: a subscription selects exactly one (validation)", async () => {
    const query = "subscription { stockChanged { id } again: stockChanged { id } }";
    const ws = await overWebSocket(query);
    expect((ws as Outcome).message).toMatch(/must select only one top level field/);
    expect((await overSse(query)).message).toEqual((ws as Outcome).message);
    expect((await overHttp(query)).message).toEqual((ws as Outcome).message);
  });
});

describe("subscribe-time refusals over graphql-sse", () => {
  it("arrive as the stream's result with their code, like over graphql-ws (not a bare 400)", async () => {
    const query = "subscription { notificationReceived { id } }";
    const sse = await overSse(query);
    expect(sse).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await overWebSocket(query)).toEqual(sse);
  });
});

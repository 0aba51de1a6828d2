import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../config.ts";
import { buildGateway, type Gateway } from "../server.ts";

const SUPERGRAPH = fileURLToPath(new URL("../../schemas/supergraph.graphql", import.meta.url));
const logged: { level: number; requestId?: string; err?: { message: string } }[] = [];
// The real logger, writing its JSON lines into `logged` so the test reads what an operator would.
const logger = pino(
  { level: "info" },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(JSON.parse(chunk.toString()));
      done();
    },
  }),
);
const ERROR = 50;
let gateway: Gateway;
let url: string;

beforeAll(async () => {
  // No subgraph is running: limits and rate limits answer before one would be called; anything else fails.
  const config = parseConfig({
    NODE_ENV: "test",
    SUPERGRAPH_PATH: SUPERGRAPH,
    SUPERGRAPH_WATCH: "false",
    SUBSCRIPTIONS_ENABLED: "false",
    SUBGRAPH_URLS: "catalog=http://127.0.0.1:9/graphql",
    MAX_DEPTH: "3",
    MAX_ALIASES: "1",
    MAX_ROOT_FIELDS: "2",
    MAX_COST: "100",
    MAX_DOCUMENT_BYTES: "500",
    MAX_EXPANDED_FIELDS: "7",
    RATE_LIMIT_POINTS: "7",
    RATE_LIMIT_BURST_POINTS: "0",
  });
  gateway = await buildGateway(config, { logger });
  ({ url } = await gateway.listen(0, "127.0.0.1"));
});
afterAll(() => gateway?.stop());
beforeEach(() => {
  logged.length = 0;
});

async function codeOf(query: string): Promise<string | undefined> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
  return body.errors?.[0]?.extensions?.code;
}

const errorsLogged = () => logged.filter((line) => line.level >= ERROR);

describe("error logging at the gateway", () => {
  // First, while the rate limit of 7 requests still has room.
  it("logs an unexpected failure with the error and the request id", async () => {
    // catalog's address cannot be fetched: the gateway's connection is refused, which an operator must hear
    // about, address included; the client is only told which service is unavailable.
    expect(await codeOf("{ products { items { id } } }")).toBe("SERVICE_UNAVAILABLE");
    expect(errorsLogged()).toEqual([
      expect.objectContaining({
        err: expect.objectContaining({ message: "The catalog service is unavailable; try again shortly." }),
        cause: expect.stringMatching(/ECONNREFUSED 127\.0\.0\.1:9/),
      }),
    ]);
    expect(errorsLogged()[0]?.requestId).toEqual(expect.any(String));
  });

  it("does not log operation-limit and rate-limit refusals as errors: they are the caller's doing", async () => {
    const refusals = [
      [`{ __typename ${" ".repeat(600)}}`, "DOCUMENT_TOO_LARGE"],
      ["{ me { orders { items { product { name } } } } }", "OPERATION_TOO_DEEP"],
      ["{ a: me { id } b: me { id } }", "TOO_MANY_ALIASES"],
      ["{ me { id } products { items { id } } product(id: 1) { id } }", "TOO_MANY_ROOT_FIELDS"],
      ["{ products(perPage: 100) { items { id name stock } } }", "OPERATION_TOO_COMPLEX"],
      [
        "{ ...F ...F } fragment F on Query { ...G ...G } fragment G on Query { ...H ...H } fragment H on Query { ...I ...I } fragment I on Query { __typename }",
        "OPERATION_TOO_LARGE",
      ],
    ];
    for (const [query, code] of refusals) expect(await codeOf(query!)).toBe(code);
    let code: string | undefined;
    for (let i = 0; i < 10 && code !== "RATE_LIMITED"; i++) code = await codeOf("{ __typename }");
    expect(code).toBe("RATE_LIMITED");
    expect(errorsLogged()).toEqual([]);
  });
});

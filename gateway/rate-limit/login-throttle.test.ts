// Every `login` a document runs is counted, however it is written, and failed ones per IP across emails.
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_ADMIN_PASSWORD } from "../../platform/config.ts";
import { startTestGateway, type TestGateway } from "../../test/support/gateway.ts";
import { type Stack, startStack } from "../../test/support/stack.ts";
import { ask as askOver } from "../../test/support/transports.ts";

const SUPERGRAPH = fileURLToPath(new URL("../../schemas/supergraph.graphql", import.meta.url));
const started: TestGateway[] = [];
afterAll(() => Promise.all(started.map((gw) => gw.stop())));

/** No subgraphs: every login fails (accounts is unreachable), which is what a guessed password does too. */
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

async function send(gw: TestGateway, query: string, variables?: Record<string, unknown>) {
  const response = await gw.post({ query, variables });
  const body = (await response.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    code: body.errors?.[0]?.extensions?.code,
    message: body.errors?.[0]?.message,
  };
}

const attempt = (email: string) => `login(email: "${email}", password: "guess") { token }`;
const plain = (email: string) => `mutation { ${attempt(email)} }`;

/** Sends `query` until refused; the number of requests answered before the first RATE_LIMITED. */
async function allowedBeforeRefusal(gw: TestGateway, query: string, variables?: Record<string, unknown>) {
  for (let i = 0; i < 10; i++) {
    const answer = await send(gw, query, variables);
    if (answer.code === "RATE_LIMITED") {
      expect(answer.status).toBe(429);
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      return i;
    }
  }
  return Number.POSITIVE_INFINITY;
}

describe("the per-email login throttle", () => {
  const victim = "victim@example.com";
  const ways: [string, string, Record<string, unknown>?][] = [
    ["a named fragment", `mutation { ...Guess } fragment Guess on Mutation { ${attempt(victim)} }`],
    ["an inline fragment", `mutation { ... on Mutation { ${attempt(victim)} } }`],
    [
      "a fragment inside a fragment, the email in a variable",
      "mutation($e: String!) { ...Outer } fragment Outer on Mutation { ...Inner } " +
        'fragment Inner on Mutation { login(email: $e, password: "guess") { token } }',
      { e: " Victim@Example.COM" },
    ],
  ];

  for (const [way, query, variables] of ways) {
    it(`counts a login sent in ${way}`, async () => {
      const gw = await gateway({ RATE_LIMIT_LOGIN_POINTS: "2" });
      expect(await allowedBeforeRefusal(gw, query, variables)).toBe(2);
      // The same budget as a plain login for that email: it is spent.
      expect((await send(gw, plain(victim))).code).toBe("RATE_LIMITED");
      expect((await send(gw, plain("someone-else@example.com"))).code).not.toBe("RATE_LIMITED");
    });
  }

  it("charges 25 aliased logins 25 points", async () => {
    const gw = await gateway({ RATE_LIMIT_LOGIN_POINTS: "25" });
    const aliased = Array.from({ length: 25 }, (_, i) => `a${i}: ${attempt(victim)}`).join(" ");
    expect((await send(gw, `mutation { ${aliased} }`)).code).not.toBe("RATE_LIMITED");
    expect(await send(gw, plain(victim))).toMatchObject({ status: 429, code: "RATE_LIMITED" });
    // One more than the budget in a single document is refused whole, before any of it runs.
    const over = await gateway({ RATE_LIMIT_LOGIN_POINTS: "24" });
    expect(await send(over, `mutation { ${aliased} }`)).toMatchObject({ status: 429, code: "RATE_LIMITED" });
  });

  it("counts a login spread twice once, as GraphQL runs it once", async () => {
    const gw = await gateway({ RATE_LIMIT_LOGIN_POINTS: "2" });
    const twice = `mutation { ...G ...G ... on Mutation { ...G } } fragment G on Mutation { ${attempt(victim)} }`;
    expect(await allowedBeforeRefusal(gw, twice)).toBe(2);
  });

  it("counts a login over graphql-ws and graphql-sse in the same budget as HTTP", async () => {
    const gw = await gateway({ RATE_LIMIT_LOGIN_POINTS: "2" });
    const hidden = { query: `mutation { ...Guess } fragment Guess on Mutation { ${attempt(victim)} }` };
    expect((await askOver(gw, "graphql-ws", hidden)).code).not.toBe("RATE_LIMITED");
    expect((await askOver(gw, "graphql-sse", hidden)).code).not.toBe("RATE_LIMITED");
    expect((await send(gw, plain(victim))).code).toBe("RATE_LIMITED");
  });

  it("cannot be multiplied with an HTTP batch: batches are refused before any operation runs", async () => {
    const gw = await gateway({ RATE_LIMIT_LOGIN_POINTS: "2" });
    const response = await gw.post([
      { query: plain(victim) },
      { query: plain(victim) },
      { query: plain(victim) },
    ]);
    expect(response.status).toBe(400);
    expect(await allowedBeforeRefusal(gw, plain(victim))).toBe(2);
  });
});

describe("the per-IP budget for failed logins", () => {
  it("refuses spraying one password over many emails from one address", async () => {
    const gw = await gateway({ RATE_LIMIT_FAILED_LOGIN_POINTS: "5", RATE_LIMIT_LOGIN_POINTS: "20" });
    for (let i = 0; i < 5; i++)
      expect((await send(gw, plain(`user${i}@example.com`))).code).not.toBe("RATE_LIMITED");
    const refused = await send(gw, plain("user99@example.com"));
    expect(refused).toMatchObject({ status: 429, code: "RATE_LIMITED" });
    expect(refused.message).toMatch(/failed logins from this address/);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    // Other requests keep their own budget.
    expect((await send(gw, "{ __typename }")).status).toBe(200);
  });

  it("counts aliases and fragments across emails too", async () => {
    const gw = await gateway({ RATE_LIMIT_FAILED_LOGIN_POINTS: "4" });
    const spray =
      'mutation { a: login(email: "a@x.dev", password: "p") { token } ...F } ' +
      'fragment F on Mutation { b: login(email: "b@x.dev", password: "p") { token } ' +
      '... on Mutation { c: login(email: "c@x.dev", password: "p") { token } } }';
    expect((await send(gw, spray)).code).not.toBe("RATE_LIMITED");
    expect(await send(gw, spray)).toMatchObject({ status: 429, code: "RATE_LIMITED" });
  });
});

describe("with the accounts subgraph", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      subgraphs: ["accounts"],
      env: { RATE_LIMIT_FAILED_LOGIN_POINTS: "3", RATE_LIMIT_KEY_PREFIX: `test-${randomUUID()}` },
    });
  });
  afterAll(() => stack?.stop());

  const login = async (email: string, password: string) => {
    const response = await fetch(stack.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query:
          "mutation($e: String!, $p: String!) { ...L } fragment L on Mutation { login(email: $e, password: $p) { token } }",
        variables: { e: email, p: password },
      }),
    });
    const body = (await response.json()) as {
      data?: { login?: { token: string } } | null;
      errors?: { extensions?: { code?: string } }[];
    };
    return { token: body.data?.login?.token, code: body.errors?.[0]?.extensions?.code };
  };

  it("gives back what successful logins reserved: only failures spend the address's budget", async () => {
    for (let i = 0; i < 5; i++)
      expect((await login("admin@tributary.dev", DEV_ADMIN_PASSWORD)).token).toEqual(expect.any(String));
    for (let i = 0; i < 3; i++)
      expect((await login(`nobody${i}@example.com`, "guess")).code).toBe("UNAUTHENTICATED");
    expect((await login("nobody9@example.com", "guess")).code).toBe("RATE_LIMITED");
  });
});

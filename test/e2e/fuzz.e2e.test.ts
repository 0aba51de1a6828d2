// Hostile input against all six subgraphs in production mode: 10,000 seeded requests, no 5xx, every error coded.
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { sql } from "drizzle-orm";
import {
  buildSchema,
  type GraphQLInputType,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectData, graphql } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10_000);
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY ?? 24);
// The composed supergraph holds the public API's mutations; its federation directives need no validation here.
const contract = buildSchema(
  readFileSync(new URL("../../schemas/supergraph.graphql", import.meta.url), "utf8"),
  {
    assumeValidSDL: true,
  },
);

/** mulberry32: tiny, seeded, good enough to make every failure reproducible with FUZZ_SEED. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

const HOSTILE_STRINGS = [
  "' OR '1'='1",
  "'; DROP TABLE products; --",
  '" OR ""="',
  "1; SELECT pg_sleep(5)--",
  "<script>alert(1)</script>",
  '"><img src=x onerror=alert(1)>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4shell probe, sent as a literal string.
  "${jndi:ldap://x/a}",
  "{{7*7}}",
  "../../../../etc/passwd",
  "\u0000",
  "\ud800",
  "😀".repeat(50),
  "",
  " ",
  "a".repeat(100_000),
];
const HOSTILE_IDS = [
  "",
  "0",
  "-1",
  "not-a-uuid",
  "00000000-0000-0000-0000-000000000000",
  randomUUID(),
  "' OR 1=1 --",
  "9".repeat(400),
];
const HOSTILE_INTS = [0, -1, -2147483648, 2147483647, 2147483648, 1e308, -1e308, 3.5, "12", null];

function b64url(value: unknown): string {
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
}

/** Built only when picked: signing a token costs far more than the request that carries it. */
function hostileToken(rng: Rng): string | undefined {
  const claims = { sub: randomUUID(), roles: ["ADMIN"], iss: "tributary", aud: "tributary", exp: 4102444800 };
  const forged = (secret: string, alg = "HS256") => {
    const body = `${b64url({ alg, typ: "JWT" })}.${b64url(claims)}`;
    return `${body}.${createHmac("sha256", secret).update(body).digest("base64url")}`;
  };
  const choices: (() => string | undefined)[] = [
    () => undefined,
    () => `Bearer ${tokenFor(["CUSTOMER"]).token}`,
    () => `Bearer ${tokenFor(["ADMIN"]).token}`,
    () => `Bearer ${forged("not-the-secret-not-the-secret-0123")}`,
    () => `Bearer ${b64url({ alg: "none" })}.${b64url(claims)}.`,
    () => `Bearer ${forged("x", "RS256")}`,
    () => "Bearer",
    () => "Bearer a.b.c",
    () => `Basic ${b64url("admin:admin")}`,
    () => `Bearer ${"x".repeat(5000)}`,
  ];
  return rng.pick(choices)();
}

/** A value for an input type: usually hostile, sometimes of the wrong type altogether. */
function valueFor(type: GraphQLInputType, rng: Rng, depth = 0): unknown {
  if (rng.next() < 0.05) return rng.pick([null, 42, "text", [], {}, true]);
  const inner = getNullableType(type);
  if (isListType(inner)) {
    // Huge lists only of top-level scalars: 2,000 objects holding 100 kB strings would test the client.
    const huge = isScalarType(getNamedType(inner.ofType)) && depth === 0;
    const length = rng.pick(huge ? [0, 1, 3, 5000] : [0, 1, 3]);
    return Array.from({ length }, () => valueFor(inner.ofType, rng, depth + 1));
  }
  if (isInputObjectType(inner)) {
    if (depth > 3) return {};
    return Object.fromEntries(
      Object.values(inner.getFields()).map((f) => [f.name, valueFor(f.type, rng, depth + 1)]),
    );
  }
  if (isEnumType(inner)) return rng.next() < 0.7 ? rng.pick(inner.getValues()).name : "NOT_A_VALUE";
  if (isScalarType(inner)) {
    if (inner.name === "ID") return rng.pick(depth > 0 ? HOSTILE_IDS.slice(0, 6) : HOSTILE_IDS);
    if (inner.name === "Int" || inner.name === "Float") return rng.pick(HOSTILE_INTS);
    if (inner.name === "Boolean") return rng.pick([true, false, "yes"]);
    return rng.pick(depth > 1 ? HOSTILE_STRINGS.slice(0, -1) : HOSTILE_STRINGS);
  }
  return null;
}

/** One mutation of the contract, every argument passed as a variable with a hostile value. */
function contractMutation(rng: Rng): { query: string; variables: Record<string, unknown> } {
  const field = rng.pick(Object.values(contract.getMutationType()!.getFields()));
  const defs = field.args.map((a) => `$${a.name}: ${a.type}`).join(", ");
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(", ");
  const selection = isObjectType(getNamedType(field.type)) ? " { __typename }" : "";
  const variables = Object.fromEntries(field.args.map((a) => [a.name, valueFor(a.type, rng)]));
  if (rng.next() < 0.1) for (const a of field.args) if (isNonNullType(a.type)) delete variables[a.name];
  return { query: `mutation Fuzz(${defs}) { ${field.name}(${args})${selection} }`, variables };
}

const TOKENS = [
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ":",
  "$",
  "!",
  "...",
  "@",
  "=",
  "query",
  "mutation",
  "me",
  "products",
  "id",
  '"',
  "#",
  "\n",
  "fragment",
  "on",
  "__typename",
];

interface Attempt {
  body: string;
  contentType: string;
  authorization?: string;
}

function hostileRequest(rng: Rng): Attempt {
  return hostileRequestOf(rng.int(10), rng);
}

function hostileRequestOf(kind: number, rng: Rng): Attempt {
  const json = (value: unknown) => ({
    body: JSON.stringify(value),
    contentType: "application/json",
    authorization: hostileToken(rng),
  });
  switch (kind) {
    case 0:
      return {
        body: Buffer.from(Array.from({ length: rng.int(300) }, () => rng.int(256))).toString("latin1"),
        contentType: "application/json",
      };
    case 1:
      return {
        body: rng.pick([
          '{"query": ',
          '{"query": "{ me { id } }"',
          "[",
          "null",
          '"query"',
          "{}",
          "[]",
          '{"query": 5}',
          '{"query": "{ __typename }", "variables": "x"}',
        ]),
        contentType: "application/json",
      };
    case 2:
      return json({ query: Array.from({ length: rng.int(40) }, () => rng.pick(TOKENS)).join(" ") });
    case 3: {
      const depth = rng.pick([16, 50, 300]);
      return json({ query: `{ me { ${"followers { ".repeat(depth)}id${" }".repeat(depth)} } }` });
    }
    case 4:
      return json({
        query: `{ products(search: $s) { items { id } } }`,
        variables: { s: rng.pick(HOSTILE_STRINGS) },
      });
    case 5:
      return json({
        query: `query($p: Int, $n: Int) { products(page: $p, perPage: $n) { items { id name stock } } }`,
        variables: { p: rng.pick(HOSTILE_INTS), n: rng.pick(HOSTILE_INTS) },
      });
    case 6:
      return json({
        query: `query($id: ID!) { product(id: $id) { id name } order(id: $id) { id } article(id: $id) { id } }`,
        variables: { id: rng.pick([...HOSTILE_IDS, 5, [1], { a: 1 }]) },
      });
    case 7: {
      const aliases = Array.from({ length: rng.pick([10, 60, 500]) }, (_, i) => `a${i}: me { id }`).join(" ");
      return json({ query: `{ ${aliases} }` });
    }
    default:
      return json(contractMutation(rng));
  }
}

// node:http over kept-alive sockets: fetch's web streams cost more CPU than many of the requests they carry.
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(url: string, headers: Record<string, string>, body: string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const request = httpRequest(url, { method: "POST", headers, agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
      );
      response.on("error", reject);
    });
    request.on("error", reject);
    // UTF-8, as fetch would send the same string.
    request.end(Buffer.from(body, "utf8"));
  });
}

const LEAKS =
  /\bat \S+ \(|stacktrace|syntax error at|violates|relation "|invalid input syntax|pglite|postgres/i;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    env: {
      NODE_ENV: "production",
      GATEWAY_SECRET: "fuzz-gateway-secret-0123456789abcdef",
      ADMIN_PASSWORD: "fuzz-admin-password",
      RATE_LIMIT_POINTS: "1000000",
    },
  });
}, 120_000);
afterAll(async () => {
  agent.destroy();
  await stack?.stop();
});

describe("hostile input", () => {
  it(`survives ${REQUESTS} seeded hostile requests (seed ${SEED}) without a 5xx or an uncoded error`, async () => {
    const rng = prng(SEED);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < REQUESTS) {
          const index = next++;
          // Generated when sent, in index order, so a seed always yields the same sequence.
          const attempt = hostileRequest(rng);
          const headers: Record<string, string> = { "content-type": attempt.contentType };
          if (attempt.authorization) headers.authorization = attempt.authorization;
          const response = await post(stack.url, headers, attempt.body);
          const text = response.text;
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const say = (what: string) =>
            problems.push(`#${index} ${what}: ${attempt.body.slice(0, 160)} -> ${text.slice(0, 300)}`);
          if (response.status >= 500) say(`HTTP ${response.status}`);
          let body: { errors?: { message: string; extensions?: { code?: string } }[] } | undefined;
          try {
            body = JSON.parse(text);
          } catch {
            if (response.status !== 431) say("non-JSON answer");
          }
          for (const error of body?.errors ?? []) {
            if (!error.extensions?.code) say("error without extensions.code");
            if (error.extensions?.code === "INTERNAL_SERVER_ERROR" && LEAKS.test(error.message))
              say("internal detail leaked");
          }
          if (/"stacktrace"|\n\s+at /.test(text)) say("stack trace leaked");
        }
      }),
    );
    console.info("fuzz: HTTP statuses", Object.fromEntries(statuses));
    expect(problems.slice(0, 20)).toEqual([]);
    for (const subgraph of stack.subgraphs.values()) {
      expect((await fetch(new URL("/health", subgraph.url))).status).toBe(200);
    }
    const data = await expectData<{ products: { items: unknown[] } }>(
      stack.url,
      "{ products { items { id } } }",
    );
    expect(Array.isArray(data.products.items)).toBe(true);
  }, 240_000);

  it("refuses a simple-request POST without a preflight header (CSRF)", async () => {
    const response = await fetch(stack.url, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: '{"query":"{ __typename }"}',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/Cross-Site Request Forgery/);
  });

  it("has introspection and Sandbox off in production", async () => {
    const response = await fetch(stack.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ __schema { types { name } } }" }),
    });
    expect(response.status).toBe(400);
    const page = await fetch(stack.url, { headers: { accept: "text/html" } });
    expect(await page.text()).not.toMatch(/sandbox/i);
  });

  it("refuses a NUL character in every subgraph's text inputs as BAD_USER_INPUT", async () => {
    const customer = tokenFor(["CUSTOMER"]).token;
    const admin = tokenFor(["ADMIN"]).token;
    const nul = "a\u0000b";
    // One text (or id) argument per subgraph; each would otherwise reach Postgres, which refuses U+0000.
    const cases: [string, string, Record<string, unknown>, string?][] = [
      ["catalog", "query($s: String) { products(search: $s) { items { id } } }", { s: nul }],
      ["accounts", 'mutation($s: String!) { login(email: $s, password: "x") { token } }', { s: nul }],
      ["blog", "query($s: String!) { searchArticles(q: $s) { items { id } } }", { s: nul }],
      [
        "orders",
        "mutation($id: ID!, $s: String!) { payOrder(orderId: $id, method: $s) { id } }",
        { id: randomUUID(), s: nul },
        customer,
      ],
      ["feed", "mutation($s: String!) { publishPost(message: $s) { id } }", { s: nul }, customer],
      ["feed", "query($s: String) { posts(after: $s) { nodes { id } } }", { s: nul }],
      [
        "inventory",
        "mutation($id: ID!) { setStock(productId: $id, quantity: 1) { id } }",
        { id: `${randomUUID()}\u0000` },
        admin,
      ],
    ];
    for (const [subgraph, query, variables, token] of cases) {
      const response = await graphql(stack.url, query, variables, token);
      expect({ subgraph, codes: response.errors?.map((e) => e.extensions?.code) }).toEqual({
        subgraph,
        codes: ["BAD_USER_INPUT"],
      });
    }
  });

  it("masks a subgraph's internal error in production: no SQL, no stack", async () => {
    // A genuine failure underneath catalog: its products table disappears, so its SQL fails in Postgres.
    const catalog = stack.subgraphs.get("catalog")!;
    await catalog.database.db.execute(sql`ALTER TABLE products RENAME TO products_gone`);
    let body: { data?: unknown; errors: { message: string; extensions: Record<string, unknown> }[] };
    try {
      const response = await fetch(stack.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ products { items { id } } }" }),
      });
      body = (await response.json()) as typeof body;
    } finally {
      await catalog.database.db.execute(sql`ALTER TABLE products_gone RENAME TO products`);
    }
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0]).toMatchObject({
      message: "Internal server error",
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
    expect(JSON.stringify(body)).not.toMatch(LEAKS);
    expect(JSON.stringify(body)).not.toMatch(/products_gone|ALTER|select/i);
    // The table is back, and so is the answer.
    await expectData(stack.url, "{ products { items { id } } }");
  });
});

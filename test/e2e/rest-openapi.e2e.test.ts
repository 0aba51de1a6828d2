// The REST API as its OpenAPI document describes it: a client typed from the document (openapi-typescript +
// openapi-fetch) drives the routes, and fast-check sends requests generated from the document, valid and not.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import createClient from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statusFor } from "../../gateway/rest/problem.ts";
import type { paths } from "../support/rest-api.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

// biome-ignore lint/suspicious/noExplicitAny: JSON Schema and OpenAPI objects, read loosely.
type Json = any;

describe("the REST API through its OpenAPI document", () => {
  let stack: Stack;
  let origin: string;
  let document: Json;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ["accounts", "catalog", "inventory", "orders", "blog", "feed"] });
    origin = new URL(stack.url).origin;
    document = await (await fetch(`${origin}/openapi.json`)).json();
  });
  afterAll(() => stack?.stop());

  async function register(name: string): Promise<{ token: string; user: { id: string } }> {
    const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
    const answer = await fetch(`${origin}/users/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, name, password: "correct horse battery" }),
    });
    return (await answer.json()) as { token: string; user: { id: string } };
  }

  it("drives the routes with a client generated from the document", async () => {
    const client = createClient<paths>({ baseUrl: origin });
    const email = `typed-${randomUUID().slice(0, 8)}@example.com`;
    const registered = await client.POST("/users/register", {
      body: { email, name: "Typed", password: "correct horse battery" },
    });
    expect(registered.response.status).toBe(201);
    const session = registered.data!;
    const auth = { headers: { authorization: `Bearer ${session.token}` } };

    const published = await client.POST("/publish", { body: { message: "typed hello" }, ...auth });
    expect(published.data?.user.id).toBe(session.user.id);
    const messages = await client.GET("/messages", {
      params: { query: { author_id: session.user.id, first: 5 } },
    });
    expect(messages.data?.items.map((m) => m.message)).toEqual(["typed hello"]);

    const article = await client.POST("/api/v1/articles", {
      body: { title: "Typed", content: "Typed content", category: "typed" },
      ...auth,
    });
    expect(article.data?.status).toBe("DRAFT");
    const publishedArticle = await client.POST("/api/v1/articles/{id}/publish", {
      params: { path: { id: article.data!.id } },
      ...auth,
    });
    expect(publishedArticle.data?.status).toBe("PUBLISHED");
    const list = await client.GET("/api/v1/articles", {
      params: { query: { author: session.user.id, status: "PUBLISHED", per_page: 5 } },
    });
    expect(list.data?.items.map((a) => a.title)).toEqual(["Typed"]);

    const profile = await client.GET("/users/profile", auth);
    expect(profile.data?.email).toBe(email);
    const missing = await client.GET("/products/{id}", { params: { path: { id: randomUUID() } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toMatchObject({ code: "NOT_FOUND", status: 404 });
  });

  it("answers generated requests, valid or not, without a 5xx, every error a problem with its code's status", async () => {
    const schemas = document.components.schemas as Record<string, Json>;
    const resolve = (schema: Json): Json => (schema?.$ref ? schemas[schema.$ref.split("/").pop()] : schema);

    /** Values the JSON Schema accepts (the subset the document uses). */
    function valid(schema: Json, depth = 0): fc.Arbitrary<unknown> {
      const s = resolve(schema);
      if (s.anyOf) return fc.oneof(...s.anyOf.map((x: Json) => valid(x, depth)));
      if (s.enum) return fc.constantFrom(...s.enum);
      const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
      return fc.oneof(
        ...types.map((type): fc.Arbitrary<unknown> => {
          switch (type) {
            case "null":
              return fc.constant(null);
            case "integer":
              return fc.oneof(
                fc.integer({ min: -3, max: 120 }),
                fc.integer({ min: s.minimum, max: s.maximum }),
              );
            case "number":
              return fc.double({ noNaN: true, noDefaultInfinity: true });
            case "boolean":
              return fc.boolean();
            case "array":
              return fc.array(valid(s.items, depth + 1), { maxLength: depth > 2 ? 0 : 3 });
            case "object": {
              const required = new Set<string>(s.required ?? []);
              const model: Record<string, fc.Arbitrary<unknown>> = {};
              for (const [name, property] of Object.entries(s.properties ?? {}))
                model[name] = valid(property, depth + 1);
              return fc.record(model, { requiredKeys: [...required] });
            }
            default:
              return fc.oneof(fc.string({ maxLength: 30 }), fc.uuid(), fc.emailAddress());
          }
        }),
      );
    }

    /** A value of the wrong JSON type for the schema (a string where a number is expected, and so on). */
    function wrongType(schema: Json): fc.Arbitrary<unknown> {
      const s = resolve(schema);
      const types: string[] = s.enum ? ["enum"] : Array.isArray(s.type) ? s.type : [s.type];
      if (types.includes("integer") || types.includes("number"))
        return fc.constantFrom("many", true, 1.5, 1.5e40);
      if (types.includes("boolean")) return fc.constantFrom("yes", 2);
      if (types.includes("enum")) return fc.constantFrom("not-a-value", 7);
      if (types.includes("array")) return fc.constantFrom(42, { a: 1 });
      return fc.constantFrom(42, true, { a: 1 });
    }

    /** Query text that does not parse as the parameter's type. */
    function wrongQuery(schema: Json): fc.Arbitrary<string> {
      const s = resolve(schema);
      if (s.enum) return fc.constantFrom("not-a-value", "published");
      if (s.type === "boolean") return fc.constantFrom("yes", "1", "");
      return fc.constantFrom("many", "1.5", "", "0x10", "99999999999", "1e3");
    }

    type Planned = { method: string; path: string; body?: unknown; token?: string; invalid: boolean };
    // Registered users only: a signed token of an unknown user writes posts and articles whose author the
    // supergraph cannot complete afterwards, which is not what this property is about.
    const member = await register("Member");
    const chief = await register("Chief");
    const tokens = fc.constantFrom<(string | undefined)[]>(
      undefined,
      member.token,
      tokenFor(["ADMIN"], chief.user.id).token,
      "not.a.jwt",
    );
    const routes: { method: string; path: string; operation: Json }[] = [];
    // The stream never ends (rest.e2e.test.ts reads it); the health check takes no parameters to get wrong.
    for (const [path, item] of Object.entries(document.paths as Record<string, Json>))
      for (const [method, operation] of Object.entries(item as Record<string, Json>))
        if (path !== "/messages/stream" && path !== "/api/v1/health")
          routes.push({ method: method.toUpperCase(), path, operation });

    const requests = fc.constantFrom(...routes).chain(({ method, path, operation }) => {
      const parameters: Json[] = operation.parameters ?? [];
      const pathParams = parameters.filter((p) => p.in === "path");
      const queryParams = parameters.filter((p) => p.in === "query");
      const bodySchema = operation.requestBody?.content["application/json"].schema;
      const query = fc.record(Object.fromEntries(queryParams.map((p) => [p.name, valid(p.schema)])), {
        // Keys known only at run time; fast-check types them from the literal model.
        requiredKeys: queryParams.filter((p) => p.required).map((p) => p.name) as never[],
      });
      // Not "." or "..": every URL client resolves those segments before sending (RFC 3986, 5.2.4), so
      // `/articles/./archive` reaches the server as `/articles/archive`, another route.
      const segment = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== "." && s !== "..");
      const pathValues = fc.tuple(...pathParams.map(() => fc.oneof(fc.uuid(), segment)));
      // Invalid on purpose: one thing the document rules out, so the answer must be exactly 400.
      const breakage = fc.constantFrom(
        ...[
          "unknown-query",
          ...(queryParams.some((p) => resolve(p.schema).type !== "string") ? ["query-type"] : []),
          ...(bodySchema ? ["body-extra", "body-type"] : []),
          ...(resolve(bodySchema)?.required?.length ? ["body-missing"] : []),
        ],
      );
      return fc
        .record({
          pathValues,
          query,
          body: bodySchema ? valid(bodySchema) : fc.constant(undefined),
          token: tokens,
          broken: fc.option(breakage, { freq: 2 }),
          wrong: fc.constantFrom(...queryParams.map((p) => p.name), "x").chain((name) => {
            const param = queryParams.find((p) => p.name === name);
            return fc.tuple(fc.constant(name), param ? wrongQuery(param.schema) : fc.constant("many"));
          }),
          wrongBody: bodySchema ? wrongType(bodySchema) : fc.constant(undefined),
        })
        .map(({ pathValues, query, body, token, broken, wrong, wrongBody }): Planned => {
          let filled = path;
          pathParams.forEach((p, i) => {
            filled = filled.replace(`{${p.name}}`, encodeURIComponent(String(pathValues[i])));
          });
          const search = new URLSearchParams();
          for (const [name, value] of Object.entries(query))
            for (const one of Array.isArray(value) ? value : [value])
              if (one !== null) search.append(name, String(one));
          let sent = body;
          if (broken === "unknown-query") search.append("not_a_parameter", "1");
          if (broken === "query-type") {
            const numeric = queryParams.find((p) => resolve(p.schema).type !== "string")!;
            search.set(numeric.name, wrong[0] === numeric.name ? wrong[1] : "many");
          }
          if (broken === "body-extra") sent = { ...(body as object), notAField: 1 };
          if (broken === "body-type") sent = wrongBody;
          if (broken === "body-missing") {
            const required: string[] = resolve(bodySchema).required;
            const copy = { ...(body as Record<string, unknown>) };
            delete copy[required[0]!];
            sent = copy;
          }
          const qs = search.toString();
          return {
            method,
            path: qs ? `${filled}?${qs}` : filled,
            body: sent,
            token,
            invalid: broken !== null,
          };
        });
    });

    const seen = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        const headers: Record<string, string> = {};
        if (request.token) headers.authorization = `Bearer ${request.token}`;
        if (request.body !== undefined) headers["content-type"] = "application/json";
        const response = await fetch(`${origin}${request.path}`, {
          method: request.method,
          headers,
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
        });
        const text = await response.text();
        seen.set(response.status, (seen.get(response.status) ?? 0) + 1);
        const where = `${request.method} ${request.path} ${JSON.stringify(request.body)} -> ${response.status} ${text.slice(0, 300)}`;
        expect(response.status, where).toBeLessThan(500);
        if (request.invalid) expect(response.status, where).toBe(400);
        if (response.status >= 400) {
          expect(response.headers.get("content-type"), where).toBe("application/problem+json");
          const problem = JSON.parse(text);
          expect(problem, where).toMatchObject({
            status: response.status,
            type: expect.any(String),
            title: expect.any(String),
          });
          expect(statusFor(problem.code), where).toBe(response.status);
        }
      }),
      { numRuns: 250 },
    );
    // The runs reached past validation too: some answered 2xx, some were refused by the subgraphs.
    const statuses = [...seen.keys()];
    expect(
      statuses.some((s) => s < 300),
      JSON.stringify([...seen]),
    ).toBe(true);
    expect(statuses.filter((s) => s >= 401).length, JSON.stringify([...seen])).toBeGreaterThan(1);
  });
});

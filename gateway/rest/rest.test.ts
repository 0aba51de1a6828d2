// The REST facade over the committed supergraph, without subgraphs: the OpenAPI document, the docs page, and every
// refusal that happens before an operation runs (so none needs a subgraph).
import { fileURLToPath } from "node:url";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { restOpenApiDocument, restTypes } from "../../scripts/rest-types.ts";
import { startTestGateway, type TestGateway } from "../../test/support/gateway.ts";
import { rest } from "../../test/support/rest.ts";
import { graphqlRuntime } from "../graphql-runtime.ts";
import { checkAgainst, declaredRoutes } from "./declared.ts";
import { routeMatcher } from "./match.ts";
import { REST_ROUTES } from "./routes.ts";

const SUPERGRAPH = fileURLToPath(new URL("../../schemas/supergraph.graphql", import.meta.url));
const PROBLEM = "application/problem+json";

describe("the REST facade before any operation runs", () => {
  let gw: TestGateway;
  // biome-ignore lint/suspicious/noExplicitAny: an OpenAPI document, read loosely.
  let document: any;
  beforeAll(async () => {
    gw = await startTestGateway({
      SUPERGRAPH_PATH: SUPERGRAPH,
      JWT_SECRET: "rest-test-secret-0123456789abcdef",
    });
    document = (await rest(gw.origin, "GET", "/openapi.json")).body;
  });
  afterAll(() => gw?.stop());

  it("serves an OpenAPI 3.1 document that a maintained validator accepts", async () => {
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("documents every route under its operation's name, with snake_case query parameters and typed bodies", () => {
    for (const route of REST_ROUTES) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation?.operationId, `${route.method} ${route.path}`).toBe(route.operation);
    }
    const list = document.paths["/api/v1/articles"].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual([
      "page",
      "per_page",
      "status",
      "category",
      "author",
    ]);
    expect(list.parameters[1].schema).toMatchObject({ type: "integer", default: 10 });
    expect(list.parameters[2].schema).toEqual({ $ref: "#/components/schemas/ArticleStatus" });
    expect(document.components.schemas.ArticleStatus.enum).toEqual(["DRAFT", "PUBLISHED", "ARCHIVED"]);
    // The whole body is CreateArticleInput; its required fields are GraphQL's non-null ones without default.
    expect(document.paths["/api/v1/articles"].post.requestBody.content["application/json"].schema).toEqual({
      $ref: "#/components/schemas/CreateArticleInput",
    });
    expect(document.components.schemas.CreateArticleInput.required).toEqual(["title", "content", "category"]);
    // PUT takes its variables as body fields; $tags has a default, so only three are required.
    expect(
      document.paths["/api/v1/articles/{id}"].put.requestBody.content["application/json"].schema.required,
    ).toEqual(["title", "content", "category"]);
  });

  it("builds response schemas from the selection sets: aliases, nullability, fragments as named schemas", () => {
    const message = document.components.schemas.Message;
    expect(Object.keys(message.properties)).toEqual(["id", "user", "message", "timestamp"]);
    expect(message.properties.timestamp).toEqual({ type: "string", format: "date-time" });
    const article = document.components.schemas.Article.properties;
    expect(article.publishedAt).toEqual({ type: ["string", "null"], format: "date-time" });
    expect(article.author.required).toEqual(["id", "name"]);
    const created = document.paths["/api/v1/articles"].post.responses["201"];
    expect(created.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Article" });
    expect(created.headers.Location).toBeDefined();
    expect(document.paths["/api/v1/articles/{id}"].delete.responses["204"]).toBeDefined();
    expect(document.components.responses.RateLimited.headers["Retry-After"]).toBeDefined();
  });

  it("is the document npm run rest:types builds, and the committed client types are fresh", async () => {
    expect(document).toEqual(JSON.parse(JSON.stringify(restOpenApiDocument())));
    const { readFile } = await import("node:fs/promises");
    const committed = await readFile(new URL("../../test/support/rest-api.ts", import.meta.url), "utf8");
    expect(committed, "run `npm run rest:types`").toBe(await restTypes(document));
  });

  it("refuses query parameters that do not fit the variable's type, or that the route does not take", async () => {
    const notInt = await rest(gw.origin, "GET", "/api/v1/articles?per_page=ten");
    expect(notInt.status).toBe(400);
    expect(notInt.contentType).toBe(PROBLEM);
    expect(notInt.body).toMatchObject({
      type: "https://tributary.dev/problems/bad-user-input",
      title: "Bad Request",
      status: 400,
      code: "BAD_USER_INPUT",
      detail: expect.stringContaining('Query parameter "per_page"'),
    });
    const tooBig = await rest(gw.origin, "GET", "/api/v1/articles?page=99999999999");
    expect(tooBig.body).toMatchObject({ status: 400, detail: expect.stringContaining("32-bit") });
    const unknown = await rest(gw.origin, "GET", "/api/v1/articles?perPage=5");
    expect(unknown.body).toMatchObject({ status: 400, detail: expect.stringContaining('"perPage"') });
    const twice = await rest(gw.origin, "GET", "/api/v1/articles?page=1&page=2");
    expect(twice.body).toMatchObject({ status: 400, detail: expect.stringContaining("more than once") });
    const badEnum = await rest(gw.origin, "GET", "/orders?status=shipped");
    expect(badEnum.body).toMatchObject({ status: 400, detail: expect.stringContaining("SHIPPED") });
    const missing = await rest(gw.origin, "GET", "/api/v1/articles/search");
    expect(missing.body).toMatchObject({ status: 400, detail: expect.stringContaining('"q"') });
  });

  it("refuses bodies that are not the operation's input: fields, types, JSON, media type, size", async () => {
    const missing = await rest(gw.origin, "POST", "/api/v1/articles", { body: { title: "t" } });
    expect(missing.body).toMatchObject({ status: 400, code: "BAD_USER_INPUT" });
    expect((missing.body as { detail: string }).detail).toMatch(/^Request body got invalid value/);
    const unknownField = await rest(gw.origin, "POST", "/publish", {
      body: { user: "nikhath", message: "hi" },
    });
    expect(unknownField.body).toMatchObject({ status: 400, detail: expect.stringContaining('"user"') });
    const wrongType = await rest(gw.origin, "PUT", "/products/1/stock", { body: { quantity: "many" } });
    expect(wrongType.body).toMatchObject({
      status: 400,
      detail: expect.stringContaining('Body field "quantity"'),
    });
    const notJson = await rest(gw.origin, "POST", "/users/login", { body: "{nope" });
    expect(notJson.body).toMatchObject({ status: 400, detail: "The request body is not valid JSON." });
    const notObject = await rest(gw.origin, "POST", "/users/login", { body: [1] });
    expect(notObject.body).toMatchObject({ status: 400, detail: "The request body must be a JSON object." });
    const text = await rest(gw.origin, "POST", "/publish", {
      body: "message=hi",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(text.status).toBe(415);
    expect(text.contentType).toBe(PROBLEM);
    const huge = await rest(gw.origin, "POST", "/publish", { body: { message: "x".repeat(2_000_000) } });
    expect(huge.status).toBe(413);
    const surrogate = await rest(gw.origin, "POST", "/publish", { body: { message: "hi \udc00 there" } });
    expect(surrogate.body).toMatchObject({ status: 400, code: "BAD_USER_INPUT" });
    expect((surrogate.body as { detail: string }).detail).toMatch(/lone UTF-16 surrogate \(U\+DC00\)/);
  });

  it("answers 405 with Allow for a known path and 404 problems under the REST prefixes", async () => {
    const wrongMethod = await rest(gw.origin, "DELETE", "/orders");
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, POST");
    expect(wrongMethod.contentType).toBe(PROBLEM);
    const nothing = await rest(gw.origin, "GET", "/api/v1/nothing/here");
    expect(nothing.status).toBe(404);
    expect(nothing.body).toMatchObject({ code: "NOT_FOUND", status: 404 });
    // Outside the REST prefixes the gateway's own 404 stays.
    expect((await rest(gw.origin, "GET", "/elsewhere")).contentType).toMatch(/^application\/json/);
  });

  it("answers a bad token with 401 from the same context POST /graphql builds", async () => {
    const answer = await rest(gw.origin, "GET", "/users/profile", { token: "not-a-jwt" });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
    const stream = await rest(gw.origin, "GET", "/messages/stream", { token: "not-a-jwt" });
    // Subscriptions are off in this gateway: the stream is refused as unavailable, still a problem document.
    expect(stream.body).toMatchObject({ code: "SERVICE_UNAVAILABLE", status: 503 });
  });

  it("serves /api/v1/health beside /health", async () => {
    expect((await rest(gw.origin, "GET", "/api/v1/health")).body).toEqual({ status: "ok" });
  });

  it("serves Swagger UI at /docs from node_modules, with nothing loaded from another origin", async () => {
    const page = await rest<string>(gw.origin, "GET", "/docs");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(page.body).not.toMatch(/https?:\/\//);
    const init = await rest<string>(gw.origin, "GET", "/docs/init.js");
    expect(init.body).toContain('url: "/openapi.json"');
    expect(init.body).toContain("validatorUrl: null");
    for (const src of page.body.matchAll(/(?:src|href)="([^"]+)"/g)) {
      const asset = await fetch(`${gw.origin}${src[1]}`);
      expect(asset.status, src[1]).toBe(200);
    }
    const bundle = await fetch(`${gw.origin}/docs/swagger-ui-bundle.js`);
    expect(Number(bundle.headers.get("content-length"))).toBeGreaterThan(500_000);
    expect((await fetch(`${gw.origin}/docs/../package.json`)).status).toBe(404);
  });

  it("labels REST requests in the HTTP metrics by route template, never by id", async () => {
    await rest(gw.origin, "GET", "/api/v1/articles/123?x=1");
    const metrics = await (await fetch(`${gw.origin}/metrics`)).text();
    expect(metrics).toContain('route="/api/v1/articles/{id}"');
    expect(metrics).not.toContain('route="/api/v1/articles/123"');
  });
});

describe("route matching", () => {
  const matcher = routeMatcher(REST_ROUTES);
  it("prefers literal segments and decodes each segment on its own", () => {
    expect(matcher.match("GET", "/messages/stream")).toMatchObject({
      kind: "route",
      route: { operation: "MessagePublished" },
    });
    expect(matcher.match("GET", "/api/v1/articles/search")).toMatchObject({
      route: { operation: "SearchArticles" },
    });
    expect(matcher.match("GET", "/users/profile")).toMatchObject({ route: { operation: "GetProfile" } });
    expect(matcher.match("GET", "/users/a%2Fb")).toMatchObject({ params: { id: "a/b" } });
    expect(matcher.match("GET", "/users/%E0%A4%A")).toEqual({ kind: "none" });
    expect(matcher.match("GET", "/orders/")).toEqual({ kind: "none" });
  });
});

describe("a supergraph the operations do not fit", () => {
  it("leaves those routes out of the document, with the reason, instead of failing the schema load", () => {
    const schema = graphqlRuntime.buildSchema("type Query { hello: String }");
    const check = checkAgainst(schema, declaredRoutes());
    expect(check.broken.size).toBe(REST_ROUTES.length);
    const publish = [...check.broken].find(([route]) => route.path === "/publish")?.[1];
    expect(publish).toBe("the supergraph has no mutation type");
    const list = [...check.broken].find(([route]) => route.path === "/messages")?.[1];
    expect(list).toContain('Cannot query field "posts"');
    expect(Object.keys(check.document.paths)).toEqual(["/api/v1/health"]);
  });
});

// The OpenAPI 3.1 document of the REST routes, from the route table and the loaded supergraph's types.
import type { GraphQLInputType, GraphQLSchema } from "graphql";
import { graphqlRuntime as graphql } from "../../graphql-runtime.ts";
import type { RestOperation } from "../operations.ts";
import { PROBLEM_CONTENT_TYPE, problemType } from "../problem.ts";
import { REST_HEALTH_PATH, type RestRoute } from "../routes.ts";
import { type BoundVariable, isRequired } from "../variables.ts";
import { Components, inputSchema, type JsonSchema, outputSchema } from "./json-schema.ts";

export interface DocumentedRoute {
  route: RestRoute;
  operation: RestOperation;
  bound: readonly BoundVariable[];
}

const ERROR_RESPONSES: Record<string, { name: string; description: string }> = {
  "400": {
    name: "BadRequest",
    description: "BAD_USER_INPUT: a parameter or the body does not fit its type.",
  },
  "401": { name: "Unauthenticated", description: "UNAUTHENTICATED: no valid `Authorization: Bearer` token." },
  "403": { name: "Forbidden", description: "FORBIDDEN: signed in, but not allowed to." },
  "404": { name: "NotFound", description: "NOT_FOUND: nothing here, or not visible to the caller." },
  "409": { name: "Conflict", description: "CONFLICT: the current state forbids it (e.g. a taken email)." },
  "429": { name: "RateLimited", description: "RATE_LIMITED: retry after `Retry-After` seconds." },
  "503": { name: "Unavailable", description: "SERVICE_UNAVAILABLE: a subgraph cannot answer now." },
};

const PROBLEM_SCHEMA: JsonSchema = {
  type: "object",
  description: "RFC 9457 problem details; `code` is the GraphQL error's `extensions.code`.",
  properties: {
    type: { type: "string", format: "uri", examples: [problemType("NOT_FOUND")] },
    title: { type: "string" },
    status: { type: "integer", minimum: 400, maximum: 599 },
    detail: { type: "string" },
    code: { type: "string", examples: ["BAD_USER_INPUT"] },
    errors: {
      type: "array",
      items: {
        type: "object",
        properties: { message: { type: "string" }, code: { type: "string" } },
        required: ["message", "code"],
      },
    },
    retryAfterSeconds: { type: "integer", minimum: 1 },
  },
  required: ["type", "title", "status", "detail", "code"],
};

function errorResponses(): Record<string, JsonSchema> {
  const responses: Record<string, JsonSchema> = {};
  for (const { name, description } of Object.values(ERROR_RESPONSES)) {
    responses[name] = {
      description,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: "#/components/schemas/Problem" } } },
      ...(name === "RateLimited"
        ? { headers: { "Retry-After": { schema: { type: "integer", minimum: 1 }, description: "Seconds." } } }
        : {}),
    };
  }
  return responses;
}

function parameters(bound: readonly BoundVariable[], schema: GraphQLSchema, components: Components) {
  const list: JsonSchema[] = [];
  for (const { definition, source } of bound) {
    if (source.in !== "path" && source.in !== "query" && source.in !== "header") continue;
    const type = graphql.typeFromAST(schema, definition.type) as GraphQLInputType;
    let parameter = inputSchema(type, components, false);
    if (definition.defaultValue)
      parameter = { ...parameter, default: graphql.valueFromAST(definition.defaultValue, type) };
    const repeated = graphql.isListType(graphql.getNullableType(type));
    list.push({
      name: source.name,
      in: source.in,
      required: source.in === "path" || isRequired(definition),
      schema: parameter,
      ...(repeated ? { style: "form", explode: true } : {}),
      ...(source.in === "header"
        ? { description: "The `id:` of the last event received: resumes after it." }
        : {}),
    });
  }
  return list;
}

function requestBody(bound: readonly BoundVariable[], schema: GraphQLSchema, components: Components) {
  const whole = bound.find((b) => b.source.in === "body");
  const fields = bound.filter((b) => b.source.in === "body-field");
  if (!whole && fields.length === 0) return undefined;
  let body: JsonSchema;
  if (whole)
    body = inputSchema(
      graphql.typeFromAST(schema, whole.definition.type) as GraphQLInputType,
      components,
      false,
    );
  else {
    const properties: Record<string, JsonSchema> = {};
    for (const { definition, source } of fields) {
      const type = graphql.typeFromAST(schema, definition.type) as GraphQLInputType;
      properties[source.name] = inputSchema(type, components);
      if (definition.defaultValue)
        properties[source.name] = {
          ...properties[source.name],
          default: graphql.valueFromAST(definition.defaultValue, type),
        };
    }
    const required = fields.filter((f) => isRequired(f.definition)).map((f) => f.source.name);
    body = {
      type: "object",
      properties,
      ...(required.length ? { required } : {}),
      additionalProperties: false,
    };
  }
  return { required: true, content: { "application/json": { schema: body } } };
}

function successResponse(
  { route, operation }: DocumentedRoute,
  schema: GraphQLSchema,
  components: Components,
) {
  const root = graphql.getOperationRootType(schema, operation.definition);
  const field = operation.definition.selectionSet.selections[0];
  if (field?.kind !== "Field") throw new Error(`${operation.name}: the root selection must be one field`);
  const type = root.getFields()[field.name.value]!.type;
  if (route.noContent) return { "204": { description: "Done." } };
  // Null answers are 404s (or 401s), so the 2xx body is never null.
  const body = outputSchema(graphql.getNullableType(type), field.selectionSet, components, false);
  if (route.stream) {
    return {
      "200": {
        description:
          "Server-Sent Events: each `data:` is one JSON value of the `x-event-data` schema and each `id:` its cursor, to send back as `Last-Event-ID` to resume after it; an `event: problem` carries a problem document just before the stream ends.",
        // OpenAPI 3.1 has no schema for the events of a stream; this extension names it for readers.
        content: { "text/event-stream": { schema: { type: "string" }, "x-event-data": body } },
      },
    };
  }
  const code = route.created ? "201" : "200";
  return {
    [code]: {
      description: route.created ? "Created." : "OK.",
      content: { "application/json": { schema: body } },
      ...(route.created
        ? { headers: { Location: { schema: { type: "string" }, description: "The new resource." } } }
        : {}),
    },
  };
}

export function openApiDocument(schema: GraphQLSchema, routes: readonly DocumentedRoute[], version: string) {
  const components = new Components(schema, routes[0]?.operation.fragments ?? new Map());
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const documented of routes) {
    const { route, operation, bound } = documented;
    paths[route.path] ??= {};
    const item = paths[route.path]!;
    const body = requestBody(bound, schema, components);
    item[route.method.toLowerCase()] = {
      operationId: operation.name,
      summary: route.summary,
      tags: [route.tag],
      description: `Runs the GraphQL operation \`${operation.name}\`:\n\n\`\`\`graphql\n${operation.source}\n\`\`\``,
      parameters: parameters(bound, schema, components),
      ...(body ? { requestBody: body } : {}),
      responses: {
        ...successResponse(documented, schema, components),
        ...Object.fromEntries(
          Object.entries(ERROR_RESPONSES).map(([status, { name }]) => [
            status,
            { $ref: `#/components/responses/${name}` },
          ]),
        ),
        default: {
          description: "Any other failure.",
          content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: "#/components/schemas/Problem" } } },
        },
      },
    };
  }
  paths[REST_HEALTH_PATH] = {
    get: {
      operationId: "Health",
      summary: "Whether the gateway is up",
      tags: ["health"],
      security: [],
      responses: {
        "200": {
          description: "Up.",
          content: {
            "application/json": {
              schema: { type: "object", properties: { status: { const: "ok" } }, required: ["status"] },
            },
          },
        },
      },
    },
  };
  return {
    openapi: "3.1.0",
    info: {
      title: "Tributary REST API",
      version,
      description:
        "The REST routes of the seed designs, each a named GraphQL operation run through the gateway's own pipeline (authentication, authorization in every subgraph, rate limits, operation limits, metrics, traces). Query parameters are snake_case; unknown query parameters and body fields are refused with 400. Errors are RFC 9457 problem documents whose `code` is the GraphQL error code.",
    },
    servers: [{ url: "/" }],
    security: [{}, { bearerAuth: [] }],
    tags: [
      { name: "messages", description: "The microblog seed, over the feed subgraph's posts." },
      { name: "articles", description: "The blog seed, over the blog subgraph." },
      { name: "users", description: "Sign-up, sign-in, profiles (accounts)." },
      { name: "products", description: "Catalog with inventory." },
      { name: "orders", description: "Orders and payments." },
      { name: "health", description: "Liveness." },
    ],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: { Problem: PROBLEM_SCHEMA, ...components.schemas },
      responses: errorResponses(),
    },
  };
}

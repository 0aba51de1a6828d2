// The route table joined with its operations, checked once at build; and against each loaded supergraph.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { GraphQLSchema } from "graphql";
import { PROJECT_ROOT } from "../../platform/project-root.js";
import { graphqlRuntime as graphql } from "../graphql-runtime.ts";
import { type DocumentedRoute, openApiDocument } from "./openapi/document.ts";
import { loadRestOperations } from "./operations.ts";
import { REST_ROUTES, type RestRoute } from "./routes.ts";
import { boundVariables } from "./variables.ts";

export type DeclaredRoute = DocumentedRoute & { responseKey: string };

const VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string })
  .version;

/** Throws on a route the facade could not serve as written: a typo in the table fails the start, not a request. */
export function declaredRoutes(): Map<RestRoute, DeclaredRoute> {
  const operations = loadRestOperations();
  const declared = new Map<RestRoute, DeclaredRoute>();
  for (const route of REST_ROUTES) {
    const operation = operations.get(route.operation);
    if (!operation) throw new Error(`${route.method} ${route.path}: no operation ${route.operation}`);
    const [root, ...more] = operation.definition.selectionSet.selections;
    if (root?.kind !== "Field" || more.length > 0)
      throw new Error(`${operation.name}: a REST operation selects exactly one root field`);
    const responseKey = root.alias?.value ?? root.name.value;
    declared.set(route, { route, operation, bound: boundVariables(route, operation), responseKey });
  }
  return declared;
}

export interface SchemaCheck {
  /** Routes whose operation does not validate against this supergraph, with the reasons. */
  broken: Map<RestRoute, string>;
  /** The OpenAPI document of the other routes. */
  document: ReturnType<typeof openApiDocument>;
}

export function checkAgainst(
  schema: GraphQLSchema,
  declared: ReadonlyMap<RestRoute, DeclaredRoute>,
): SchemaCheck {
  const broken = new Map<RestRoute, string>();
  for (const { route, operation } of declared.values()) {
    // graphql-js throws, rather than reports, an operation type the schema lacks (a supergraph without mutations).
    if (!schema.getRootType(operation.definition.operation)) {
      broken.set(route, `the supergraph has no ${operation.definition.operation} type`);
      continue;
    }
    try {
      const errors = graphql.validate(schema, graphql.parse(operation.source));
      if (errors.length > 0) broken.set(route, errors.map((e) => e.message).join("; "));
    } catch (error) {
      broken.set(route, String(error));
    }
  }
  const documented = [...declared.values()].filter((d) => !broken.has(d.route));
  return { broken, document: openApiDocument(schema, documented, VERSION) };
}

// Where each variable of a route's operation comes from (path, query, body, header): one rule for requests and OpenAPI.
import type { TypeNode, VariableDefinitionNode } from "graphql";
import type { RestOperation } from "./operations.ts";
import { type RestRoute, snakeCase } from "./routes.ts";

export type VariableSource =
  | { in: "path"; name: string }
  | { in: "query"; name: string }
  /** One top-level key of the JSON body. */
  | { in: "body-field"; name: string }
  /** The whole JSON body. */
  | { in: "body"; name: "body" }
  | { in: "header"; name: "Last-Event-ID" };

export interface BoundVariable {
  variable: string;
  definition: VariableDefinitionNode;
  source: VariableSource;
}

const hasBody = (route: RestRoute) =>
  route.method === "POST" || route.method === "PUT" || route.method === "PATCH";

export function pathParams(route: RestRoute): string[] {
  return [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}

/** Throws when a route cannot be served as declared: checked for every route when the gateway starts. */
export function boundVariables(route: RestRoute, operation: RestOperation): BoundVariable[] {
  const definitions = operation.definition.variableDefinitions ?? [];
  const names = new Set(definitions.map((d) => d.variable.name.value));
  for (const param of pathParams(route))
    if (!names.has(param))
      throw new Error(`${route.method} ${route.path}: ${operation.name} has no $${param}`);
  if (route.body && !names.has(route.body))
    throw new Error(`${route.method} ${route.path}: ${operation.name} has no $${route.body}`);
  const params = new Set(pathParams(route));
  return definitions.map((definition) => {
    const variable = definition.variable.name.value;
    let source: VariableSource;
    if (params.has(variable)) source = { in: "path", name: variable };
    else if (route.stream?.resumeFrom === variable) source = { in: "header", name: "Last-Event-ID" };
    else if (route.body === variable) source = { in: "body", name: "body" };
    else if (route.body)
      throw new Error(`${route.method} ${route.path}: $${variable} has nowhere to come from beside the body`);
    else if (hasBody(route)) source = { in: "body-field", name: variable };
    else source = { in: "query", name: snakeCase(variable) };
    return { variable, definition, source };
  });
}

/** Required unless nullable or defaulted, as GraphQL's own coercion decides. */
export function isRequired(definition: VariableDefinitionNode): boolean {
  return definition.type.kind === "NonNullType" && definition.defaultValue === undefined;
}

export function namedType(type: TypeNode): string {
  return type.kind === "NamedType" ? type.name.value : namedType(type.type);
}

/** How a source reads in an error message: `query parameter "per_page"`. */
export function describeSource(source: VariableSource): string {
  switch (source.in) {
    case "path":
      return `path parameter "${source.name}"`;
    case "query":
      return `query parameter "${source.name}"`;
    case "body-field":
      return `body field "${source.name}"`;
    case "body":
      return "request body";
    case "header":
      return `header "${source.name}"`;
  }
}

// A request's path, query, body and Last-Event-ID as the operation's variables, checked against their GraphQL types
// before anything runs: the query string's text becomes Int, Float or Boolean where the variable's type says so.
import type { GraphQLInputType, GraphQLSchema } from "graphql";
import { graphqlRuntime as graphql } from "../graphql-runtime.ts";
import type { RestOperation } from "./operations.ts";
import { type BoundVariable, describeSource } from "./variables.ts";

export interface RequestInput {
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body; undefined when none was sent. */
  body: unknown;
  lastEventId?: string;
}

export type Binding = { variables: Record<string, unknown> } | { errors: string[] };

/** Text to the JSON value GraphQL coerces; text that does not parse is left as text, for GraphQL's own message. */
function fromText(type: GraphQLInputType, text: string): unknown {
  const named = graphql.getNamedType(type);
  switch (named.name) {
    case "Int":
      return /^[+-]?\d+$/.test(text) ? Number(text) : text;
    case "Float":
      return text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
    case "Boolean":
      return text === "true" ? true : text === "false" ? false : text;
    default:
      return text;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function fromQuery(type: GraphQLInputType, values: string[]): { value: unknown } | { error: string } {
  const inner = graphql.isNonNullType(type) ? type.ofType : type;
  if (graphql.isListType(inner)) return { value: values.map((v) => fromText(inner.ofType, v)) };
  if (values.length > 1) return { error: "is given more than once" };
  return { value: fromText(type, values[0]!) };
}

export function bindVariables(
  schema: GraphQLSchema,
  operation: RestOperation,
  bound: readonly BoundVariable[],
  input: RequestInput,
): Binding {
  const errors: string[] = [];
  const inputs: Record<string, unknown> = {};
  const queryNames = new Set(bound.filter((b) => b.source.in === "query").map((b) => b.source.name));
  for (const name of new Set(input.query.keys())) {
    if (!queryNames.has(name)) {
      const known = [...queryNames].join(", ") || "none";
      errors.push(`Unknown query parameter "${name}"; this route takes: ${known}.`);
    }
  }
  const fields = bound.filter((b) => b.source.in === "body-field").map((b) => b.source.name);
  const wholeBody = bound.some((b) => b.source.in === "body");
  if (!wholeBody && input.body !== undefined) {
    if (!isObject(input.body)) errors.push("The request body must be a JSON object.");
    else
      for (const key of Object.keys(input.body))
        if (!fields.includes(key))
          errors.push(`Unknown body field "${key}"; this route takes: ${fields.join(", ") || "no body"}.`);
  }
  if (errors.length > 0) return { errors };

  for (const { variable, definition, source } of bound) {
    const type = graphql.typeFromAST(schema, definition.type) as GraphQLInputType;
    if (source.in === "path") inputs[variable] = fromText(type, input.params[source.name]!);
    else if (source.in === "header") {
      if (input.lastEventId !== undefined) inputs[variable] = input.lastEventId;
    } else if (source.in === "body") {
      if (input.body !== undefined) inputs[variable] = input.body;
    } else if (source.in === "body-field") {
      if (isObject(input.body) && Object.hasOwn(input.body, source.name))
        inputs[variable] = input.body[source.name];
    } else {
      const values = input.query.getAll(source.name);
      if (values.length === 0) continue;
      const read = fromQuery(type, values);
      if ("error" in read) errors.push(`The ${describeSource(source)} ${read.error}.`);
      else inputs[variable] = read.value;
    }
  }
  if (errors.length > 0) return { errors };

  const coerced = graphql.getVariableValues(schema, operation.definition.variableDefinitions ?? [], inputs);
  if (!coerced.errors) return { variables: inputs };
  // graphql-js names the variable ("$perPage"); the client sent a query parameter or a body field.
  const sources = new Map(bound.map((b) => [b.variable, describeSource(b.source)]));
  return {
    errors: coerced.errors.map((e) =>
      e.message.replace(/^Variable "\$(\w+)"/, (whole, name: string) => {
        const where = sources.get(name);
        return where ? where.charAt(0).toUpperCase() + where.slice(1) : whole;
      }),
    ),
  };
}

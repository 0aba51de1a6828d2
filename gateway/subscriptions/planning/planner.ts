// Checks a subscription at subscribe time and plans how its events will be resolved.
import type { DocumentNode, GraphQLError, GraphQLSchema, OperationDefinitionNode } from "graphql";
import type { Viewer } from "../../../platform/auth/tokens.ts";
import { unauthenticated } from "../../../platform/errors.ts";
import { graphqlRuntime, runtimeError } from "../../graphql-runtime.ts";
import type { EventBinding } from "./bindings.ts";
import { type EntityQuery, entityQuery, rootField } from "./rewrite.ts";

export interface PlannedSubscription {
  binding: EventBinding;
  /** Response key of the subscription field: its alias or name. */
  responseKey: string;
  entityQuery: EntityQuery;
  /** The client's variables the entity query uses. */
  variables: Record<string, unknown>;
  /** Coerced arguments of the subscription field, for the filters. */
  args: Record<string, unknown>;
  /** The `after` cursor to resume from, if given. */
  after?: string;
  /** Subscribers with the same key share one resolution per event. */
  groupKey: string;
}

export interface PlanInput {
  source: string;
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown>;
  viewer: Viewer | null;
}

/** JSON with sorted keys, so `{a, b}` and `{b, a}` group together. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** One per loaded supergraph: the cache of rewritten documents is only valid for its schema. */
export class SubscriptionPlanner {
  private readonly queries = new Map<string, EntityQuery>();

  constructor(
    readonly schema: GraphQLSchema,
    readonly bindings: ReadonlyMap<string, EventBinding>,
    private readonly cacheSize = 1000,
  ) {}

  plan({
    source,
    document,
    operation,
    variables,
    viewer,
  }: PlanInput): PlannedSubscription | readonly GraphQLError[] {
    const field = rootField(document, operation.selectionSet);
    const fieldDef = field && this.schema.getSubscriptionType()?.getFields()[field.name.value];
    if (!field || !fieldDef) return [runtimeError({ message: "The subscription selects no field." })];
    const binding = this.bindings.get(field.name.value);
    if (!binding) {
      return [
        runtimeError({
          message: `Subscription.${field.name.value} is not bound to an event stream.`,
          extensions: { code: "INTERNAL_SERVER_ERROR" },
        }),
      ];
    }
    if (binding.owner && !viewer)
      return [runtimeError(unauthenticated(`Sign in to subscribe to ${field.name.value}.`))];

    const coerced = graphqlRuntime.getVariableValues(
      this.schema,
      operation.variableDefinitions ?? [],
      variables,
    );
    // As over HTTP, a variable the client sent with the wrong type is the client's mistake.
    if (coerced.errors)
      return coerced.errors.map(
        (error) =>
          new graphqlRuntime.GraphQLError(error.message, {
            nodes: error.nodes,
            extensions: { ...error.extensions, code: "BAD_USER_INPUT" },
          }),
      );
    const args = graphqlRuntime.getArgumentValues(fieldDef, field, coerced.coerced);

    const cacheKey = `${operation.name?.value ?? ""}\n${source}`;
    let query = this.queries.get(cacheKey);
    if (!query) {
      query = entityQuery(document, operation, field, binding.entityField);
      // Oldest first out: Maps iterate in insertion order.
      if (this.queries.size >= this.cacheSize) this.queries.delete(this.queries.keys().next().value!);
      this.queries.set(cacheKey, query);
    }
    const used = Object.fromEntries(
      query.variables.filter((v) => v in variables).map((v) => [v, variables[v]]),
    );
    // A resume cursor changes where a subscriber starts, not what it receives: keep it out of the group key.
    const afterArg = field.arguments?.find((a) => a.name.value === "after")?.value;
    const grouped =
      afterArg?.kind === "Variable"
        ? Object.fromEntries(Object.entries(variables).filter(([name]) => name !== afterArg.name.value))
        : variables;
    const who = viewer ? [viewer.id, [...viewer.roles].sort()] : null;
    return {
      binding,
      responseKey: field.alias?.value ?? field.name.value,
      entityQuery: query,
      variables: used,
      args,
      after: typeof args.after === "string" ? args.after : undefined,
      groupKey: stableJson([source, operation.name?.value ?? null, grouped, who]),
    };
  }
}

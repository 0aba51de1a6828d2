// Subscribe-time checks shared by every transport: token, size, parse, validate, limits, plan, resume cursor.
import { randomUUID } from "node:crypto";
import type { ApolloServer } from "@apollo/server";
import type { DocumentNode, ExecutionArgs, ExecutionResult, GraphQLError } from "graphql";
import type { TokenSettings } from "../../../platform/auth/tokens.ts";
import { unauthenticated, withoutSuggestions } from "../../../platform/errors.ts";
import { describeMalformedText, malformedInRequest } from "../../../platform/well-formed-text.ts";
import type { GatewayContext } from "../../context.ts";
import { graphqlRuntime as graphql, runtimeError } from "../../graphql-runtime.ts";
import type { PersistedDocuments } from "../../persisted/documents.ts";
import { unresolvedOperation } from "../../plugins/operation-resolution.ts";
import { refuseConditionalRoot } from "../../validation/unconditional-subscription-root.ts";
import type { SubscriptionEngine } from "../engine.ts";
import { refuseOverLimit, refuseTooLarge, type StreamingLimits } from "./limits.ts";
import type { PlannedSubscription, SubscriptionPlanner } from "./planner.ts";

/** What onSubscribe hands to execute/subscribe through the transports' `contextValue`. */
export interface Operation {
  gateway: GatewayContext;
  source: string;
  planned?: PlannedSubscription;
  /** Resuming: per partition, the last offset the subscriber has. */
  from?: Map<number, bigint>;
}

export type Caller = Omit<GatewayContext, "requestId">;

export interface Payload {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
  /** Apollo's `persistedQuery` (a trusted document's hash) travels here, as over HTTP. */
  extensions?: Record<string, unknown> | null;
}

export interface PrepareOptions {
  tokens: TokenSettings;
  introspection: boolean;
  planner: () => SubscriptionPlanner | undefined;
  engine: SubscriptionEngine;
  /** The same operation limits HTTP enforces (gateway/limits), with the same error codes. */
  limits: StreamingLimits;
  /** The persisted query manifest, when PERSISTED_DOCUMENTS is set: the same lookup HTTP uses. */
  documents?: PersistedDocuments;
}

/** Execution arguments whose `contextValue` is an Operation, or why the operation is refused. */
export type Prepared = ExecutionArgs | readonly GraphQLError[];

/** The one subscribe-time check every transport runs: graphql-ws, graphql-sse, multipart and REST streams. */
export type OperationPreparer = (caller: Caller, payload: Payload) => Promise<Prepared>;

export function operationPreparer(options: PrepareOptions): OperationPreparer {
  const { tokens } = options;
  const { specifiedRules, NoSchemaIntrospectionCustomRule } = graphql;
  const rules = options.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  // As at the HTTP endpoint: with introspection off, no "Did you mean …?".
  const hideSuggestions = !options.introspection;

  return async function prepare(caller: Caller, payload: Payload): Promise<Prepared> {
    if (
      caller.tokenExpiresAt &&
      caller.tokenExpiresAt.getTime() + tokens.clockToleranceSeconds * 1000 < Date.now()
    ) {
      return [runtimeError(unauthenticated("The access token has expired; reconnect with a fresh token."))];
    }
    const planner = options.planner();
    if (!planner)
      return [runtimeError({ message: "The gateway has not loaded its supergraph yet; retry shortly." })];
    // Before anything else: a refused or unknown trusted document is never parsed.
    const source = options.documents ? options.documents.resolve(payload) : payload.query;
    if (typeof source !== "string")
      return [runtimeError({ message: source.message, extensions: { code: source.code } })];
    // Before parsing: an oversized document costs nothing more than counting its bytes.
    const tooLarge = refuseTooLarge(source, options.limits);
    if (tooLarge) return [tooLarge];
    // The same refusals, with the same codes, as over HTTP (platform/http/graphql.ts and Apollo Server).
    const malformed = malformedInRequest(payload);
    if (malformed) {
      const extensions = { code: "BAD_USER_INPUT", field: malformed.path };
      return [runtimeError({ message: describeMalformedText(malformed), extensions })];
    }
    let document: DocumentNode;
    try {
      document = graphql.parse(source, { maxTokens: options.limits.maxTokens });
    } catch (error) {
      return [coded(error, "GRAPHQL_PARSE_FAILED", false)];
    }
    const variables = (payload.variables ?? {}) as Record<string, unknown>;
    const operation = graphql.getOperationAST(document, payload.operationName);
    // Before validation (linear, cycles cut) and planning: expanded fields, depth, aliases, root fields, cost.
    const overLimit =
      operation && refuseOverLimit(planner.schema, document, operation, variables, options.limits);
    if (overLimit) return [overLimit];
    const conditional = operation && refuseConditionalRoot(document, operation);
    if (conditional)
      return [
        runtimeError({ message: conditional.message, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }),
      ];
    const errors = graphql.validate(planner.schema, document, rules);
    if (errors.length > 0) return errors.map((e) => coded(e, "GRAPHQL_VALIDATION_FAILED", hideSuggestions));
    if (!operation) {
      const { message, extensions } = unresolvedOperation(document, payload.operationName);
      const { http: _http, ...rest } = extensions;
      return [runtimeError({ message, extensions: rest })];
    }
    const contextValue: Operation = {
      gateway: { ...caller, requestId: randomUUID() },
      source,
    };
    if (operation.operation === "subscription") {
      const planned = planner.plan({
        source,
        document,
        operation,
        variables,
        viewer: caller.viewer,
      });
      if (Array.isArray(planned)) return planned;
      contextValue.planned = planned as PlannedSubscription;
      const from = await options.engine.check(contextValue.planned, caller);
      if (from && !(from instanceof Map)) return [runtimeError(from)];
      contextValue.from = from;
    }
    return {
      schema: planner.schema,
      document,
      operationName: payload.operationName,
      variableValues: variables,
      contextValue,
    };
  };
}

/** Queries and mutations sent over a streaming transport run through Apollo like HTTP ones do. */
export async function executeThroughApollo(
  apollo: ApolloServer<GatewayContext>,
  args: ExecutionArgs,
  transport: string,
): Promise<ExecutionResult> {
  const { gateway, source } = args.contextValue as Operation;
  const response = await apollo.executeOperation(
    {
      query: source,
      operationName: args.operationName ?? undefined,
      variables: args.variableValues ?? undefined,
    },
    { contextValue: gateway },
  );
  if (response.body.kind === "single") return response.body.singleResult as ExecutionResult;
  return { errors: [runtimeError({ message: `@defer and @stream are not supported over ${transport}.` })] };
}

/** A parse or validation error with the code Apollo Server gives it over HTTP, keeping message and locations. */
function coded(error: unknown, code: string, hideSuggestions: boolean): GraphQLError {
  if (!(error instanceof graphql.GraphQLError))
    return runtimeError({ message: String(error), extensions: { code } });
  const message = hideSuggestions ? withoutSuggestions(error.message) : error.message;
  return new graphql.GraphQLError(message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code },
  });
}

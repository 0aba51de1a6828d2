// Resolves one event for one subscription group: the rewritten entity query run by the gateway's executor (its
// federated query plan), without Apollo Server's request pipeline: an event is not a client request, so no
// rate limit, operation limit or request metric applies to it.
import { createHash } from "node:crypto";
import type { ApolloGateway } from "@apollo/gateway";
import type { DocumentNode, FormattedExecutionResult, GraphQLSchema, OperationDefinitionNode } from "graphql";
import { backoffDelay, sleep } from "../../../events/backoff.ts";
import type { Logger } from "../../../platform/logger.ts";
import type { GatewayContext } from "../../context.ts";
import { graphqlRuntime } from "../../graphql-runtime.ts";
import { completeResult } from "../../plugins/complete-answers.ts";
import { EXPECTED_ERROR_CODES } from "../../plugins/error-logging.ts";
import type { EntityQuery } from "../planning/rewrite.ts";
import { encodeCursor } from "../source/cursor.ts";
import { formatErrors } from "./format-errors.ts";
import type { EntityResolver } from "./hub.ts";

/** The gateway's executor (ApolloGateway#executor, public) and the request it takes. */
export type GatewayExecutor = ApolloGateway["executor"];
type ExecutorRequest = Parameters<GatewayExecutor>[0];

export interface EntityResolverOptions {
  executor: GatewayExecutor;
  /** The API schema the subscriptions were planned on: the one the executor's request is described against. */
  schema: () => GraphQLSchema | undefined;
  logger: Logger;
  /** As Apollo Server over HTTP: with introspection off, no "Did you mean …?" in messages. */
  hideSuggestions: boolean;
  /** As Apollo Server's includeStacktraceInErrorResponses (development only). */
  stacktraces: boolean;
  /** How long an event waits for a subgraph that cannot answer (default UNAVAILABLE_RETRY_MS). */
  retryForMs?: number;
}

/**
 * How long an event waits for a subgraph that cannot answer (restarting, say) before it is sent with the
 * error. Sent at once, the event's entity would never reach the subscriber: its cursor moves past it.
 * Waiting holds back only the streams of this event's group, and keeps their order.
 */
export const UNAVAILABLE_RETRY_MS = 60_000;
const RETRY_BACKOFF = { initialDelayMs: 100, maxDelayMs: 2_000, jitter: 0.2 };

const unavailable = (errors: readonly { extensions?: Record<string, unknown> }[] | undefined) =>
  errors?.some((e) => e.extensions?.code === "SERVICE_UNAVAILABLE") ?? false;

/** Parsed once per entity query (the planner keeps one per operation), as Apollo's document cache would. */
interface Prepared {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  queryHash: string;
}

const prepared = new WeakMap<EntityQuery, Prepared>();

function prepare(query: EntityQuery): Prepared {
  let entry = prepared.get(query);
  if (!entry) {
    const document = graphqlRuntime.parse(query.query);
    const operation = graphqlRuntime.getOperationAST(document)!;
    const queryHash = createHash("sha256").update(query.query).digest("hex");
    entry = { document, operation, queryHash };
    prepared.set(query, entry);
  }
  return entry;
}

/** The executor reads no cache of its own from the request (its plan cache is inside); this one stays empty. */
const noCache: ExecutorRequest["cache"] = {
  get: async () => undefined,
  set: async () => {},
  delete: async () => {},
};

/** Errors point at the query's `entity` alias; clients expect the subscription field's response key. */
function renamePath(errors: FormattedExecutionResult["errors"], responseKey: string) {
  return (errors ?? []).map((e) =>
    e.path?.[0] === "entity" ? { ...e, path: [responseKey, ...e.path.slice(1)] } : e,
  );
}

export function entityResolver(options: EntityResolverOptions): EntityResolver {
  const { logger } = options;
  return async (planned, event, context) => {
    const { entityQuery, responseKey } = planned;
    const schema = options.schema();
    if (!schema) throw new Error("no supergraph loaded to resolve events against");
    const { document, operation, queryHash } = prepare(entityQuery);
    // `resolvingEvent` tells subgraph fetches (and anything reading the context) this is an event's resolution.
    const gatewayContext: GatewayContext = { ...context, resolvingEvent: true };
    const request: ExecutorRequest = {
      request: {
        query: entityQuery.query,
        variables: { ...planned.variables, [entityQuery.idVariable]: event.entity.id },
      },
      logger,
      schema,
      schemaHash: "" as ExecutorRequest["schemaHash"],
      context: gatewayContext,
      cache: noCache,
      queryHash,
      document,
      source: entityQuery.query,
      operationName: operation.name?.value ?? null,
      operation,
      metrics: {},
      overallCachePolicy: undefined,
    };
    const giveUpAt = Date.now() + (options.retryForMs ?? UNAVAILABLE_RETRY_MS);
    let executed = await options.executor(request);
    for (let attempt = 1; unavailable(executed.errors) && Date.now() < giveUpAt; attempt++) {
      if (attempt === 1)
        logger.warn(
          { event: event.id, field: planned.binding.field },
          "a subgraph cannot resolve an event yet; retrying",
        );
      await sleep(backoffDelay(attempt, RETRY_BACKOFF));
      executed = await options.executor(request);
    }
    const about = { operationName: request.operationName, requestId: context.requestId };
    const errors = formatErrors(executed.errors ?? [], options);
    for (const error of executed.errors ?? []) {
      const code = error.extensions?.code;
      if (typeof code === "string" && EXPECTED_ERROR_CODES.has(code)) continue;
      const cause = error.originalError ? { cause: error.originalError.message } : {};
      logger.error({ err: error, ...cause, code, ...about }, error.message);
    }
    const answer: FormattedExecutionResult = { data: executed.data ?? null };
    if (errors.length > 0) answer.errors = errors;
    if (executed.extensions) answer.extensions = { ...executed.extensions };
    completeResult(answer, logger, about);
    const entity = answer.data?.entity;
    const { topic, partition, offset } = event.cursor;
    const cursor = event.resume ?? encodeCursor({ topic, offsets: new Map([[partition, BigInt(offset)]]) });
    const extensions = { cursor };
    if (entity === null || entity === undefined) {
      if (!answer.errors?.length) {
        // Deleted (or hidden) since the event: nothing to tell the subscriber.
        logger.debug(
          { event: event.id, entity: event.entity, field: planned.binding.field },
          "event entity is gone; skipped",
        );
        return null;
      }
      return { data: null, errors: renamePath(answer.errors, responseKey), extensions };
    }
    const result: FormattedExecutionResult = { data: { [responseKey]: entity }, extensions };
    if (answer.errors?.length) result.errors = renamePath(answer.errors, responseKey);
    return result;
  };
}

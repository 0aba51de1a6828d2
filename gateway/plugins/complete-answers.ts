// Every answer the gateway sends is one the GraphQL spec allows: a field nulled by an error comes with that
// error, and an answer with no data at all says why.
//
// Apollo Gateway checks a subgraph's data against the schema after the fetches (its "value completion"). When a
// subgraph breaks a non-null promise (an entity resolved to null, e.g. a product deleted since it was ordered)
// the null spreads up to the nearest nullable field, possibly to `data` itself, and the reason goes into
// `extensions.valueCompletion` instead of `errors` when no fetch failed: `{"data":null,"extensions":{...}}`.
import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLFormattedError } from "graphql";
import type { Logger } from "../../platform/logger.ts";
import type { GatewayContext } from "../context.ts";

interface CompletionError {
  message: string;
  path?: readonly (string | number)[];
}

const SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE";

/** What a result needs to be complete: its data, its errors and its extensions, changed in place. */
export interface CompletableResult {
  data?: Record<string, unknown> | null;
  errors?: readonly GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
}

/**
 * Moves value-completion failures into `errors` and gives a data-less answer a reason; logs both, since a
 * subgraph answered against the schema. Shared with subscription event resolutions, which skip Apollo's plugins.
 */
export function completeResult(
  result: CompletableResult,
  logger: Logger,
  about: { operationName?: string | null; requestId: string },
): void {
  const errors: GraphQLFormattedError[] = [...(result.errors ?? [])];
  const completion = result.extensions?.valueCompletion as CompletionError[] | undefined;
  if (completion !== undefined) {
    const { valueCompletion: _, ...rest } = result.extensions ?? {};
    result.extensions = Object.keys(rest).length > 0 ? rest : undefined;
    // A subgraph answered against the schema: an operator must hear about it, the client gets a code.
    logger.error({ completion, ...about }, "a subgraph's answer broke the schema");
    for (const error of completion) {
      errors.push({
        message: error.message,
        ...(error.path ? { path: [...error.path] } : {}),
        extensions: { code: "INTERNAL_SERVER_ERROR" },
      });
    }
  }
  if (result.data === null && errors.length === 0) {
    logger.error(about, "an answer without data or errors");
    errors.push({
      message: "The gateway could not complete this answer.",
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
  }
  if (errors.length > 0) result.errors = errors;
}

export function useCompleteAnswers(options: { logger: Logger }): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue, operationName }) {
          if (response.body.kind !== "single") return;
          const result = response.body.singleResult;
          completeResult(result, options.logger, { operationName, requestId: contextValue.requestId });
          // Nothing could be answered because a subgraph is down: say so at the HTTP level too, so clients
          // and proxies retry. Partial data stays 200, as GraphQL answers with some errors are.
          const unavailable = result.errors?.some((e) => e.extensions?.code === SERVICE_UNAVAILABLE);
          if (result.data === null && unavailable) response.http.status = 503;
        },
      };
    },
  };
}

// Logs unexpected errors with the request id; clients get Apollo's masked message.
import type { ApolloServerPlugin } from "@apollo/server";
import type { Logger } from "../../platform/logger.ts";
import type { GatewayContext } from "../context.ts";

/** Codes that are the caller's business, not an operator's. */
const EXPECTED = new Set([
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "RATE_LIMITED",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "OPERATION_RESOLUTION_FAILURE",
]);

export function useErrorLogging(options: { logger: Logger }): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            const code = error.extensions?.code;
            if (typeof code === "string" && EXPECTED.has(code)) continue;
            options.logger.error(
              { err: error, code, operationName, requestId: contextValue.requestId },
              error.message,
            );
          }
        },
      };
    },
  };
}

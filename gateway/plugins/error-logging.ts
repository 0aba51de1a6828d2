// Logs unexpected errors with the request id; clients get Apollo's masked message.
import type { ApolloServerPlugin } from "@apollo/server";
import type { Logger } from "../../platform/logger.ts";
import type { GatewayContext } from "../context.ts";
import { OPERATION_LIMIT_CODES } from "../limits/plugin.ts";
import { RATE_LIMITED } from "../rate-limit/plugin.ts";

/**
 * Codes that are the caller's business, not an operator's. The gateway's own refusals come from the
 * modules that raise them, so a new limit cannot be forgotten here.
 */
export const EXPECTED_ERROR_CODES: ReadonlySet<string> = new Set([
  "BAD_USER_INPUT",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  RATE_LIMITED,
  ...OPERATION_LIMIT_CODES,
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
            if (typeof code === "string" && EXPECTED_ERROR_CODES.has(code)) continue;
            // The cause says what the client is not told, e.g. which address refused the connection.
            const cause = error.originalError ? { cause: error.originalError.message } : {};
            options.logger.error(
              { err: error, ...cause, code, operationName, requestId: contextValue.requestId },
              error.message,
            );
          }
        },
      };
    },
  };
}

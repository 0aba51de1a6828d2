// Refuses a request whose operation cannot be picked (unknown operationName, or several operations and none
// named) as the caller's mistake. Apollo Gateway otherwise fails it later, while planning, as a 500.
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError, Kind } from "graphql";

export const OPERATION_RESOLUTION_FAILURE = "OPERATION_RESOLUTION_FAILURE";

/** Why no operation of `document` answers to `operationName`, as a sentence the caller can act on. */
export function unresolvedOperation(
  document: { definitions: readonly { kind: string; name?: { value: string } }[] },
  operationName: string | null | undefined,
): GraphQLError {
  const names = document.definitions
    .filter((d) => d.kind === Kind.OPERATION_DEFINITION)
    .map((d) => d.name?.value)
    .filter((name): name is string => name !== undefined);
  const message =
    operationName != null
      ? `The document has no operation named "${operationName}".`
      : `The document has several operations; name the one to run in operationName (${names.join(", ") || "they are anonymous"}).`;
  return new GraphQLError(message, {
    extensions: { code: OPERATION_RESOLUTION_FAILURE, http: { status: 400 } },
  });
}

export function useOperationResolution(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        // Before the limits and the query planner, which both need the one operation.
        async didResolveOperation({ operation, document, request }) {
          if (!operation) throw unresolvedOperation(document, request.operationName);
        },
      };
    },
  };
}

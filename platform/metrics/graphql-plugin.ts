// An Apollo Server plugin that counts and times every GraphQL operation by name, type and outcome.
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { DEFAULT_MAX_OPERATION_NAMES, NOT_EXECUTED, operationLabel } from "./operation-names.ts";
import { graphqlDuration, graphqlOperations } from "./registry.ts";

export interface GraphQLMetricsOptions {
  /** The `service` label: "gateway" or the subgraph's name. */
  service: string;
  /** Distinct operation names this process labels before counting the rest as `other`. */
  maxOperationNames?: number;
}

/**
 * Outcome is "ok" or the first error's `extensions.code`, so dashboards split failures by cause. The operation
 * name is a label only for operations that reached execution (parsed, validated, within limits): a client can
 * put anything in `operationName` or in a document that does not parse, and each value would be a series.
 */
export function useGraphQLMetrics<TContext extends BaseContext>(
  options: GraphQLMetricsOptions,
): ApolloServerPlugin<TContext> {
  const max = options.maxOperationNames ?? DEFAULT_MAX_OPERATION_NAMES;
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      let executed = false;
      return {
        async executionDidStart() {
          executed = true;
        },
        async willSendResponse({ operation, errors, response }) {
          const single = response.body.kind === "single" ? response.body.singleResult : undefined;
          const firstError = errors?.[0] ?? single?.errors?.[0];
          const code = firstError?.extensions?.code;
          const labels = {
            service: options.service,
            // Subgraph fetches from the gateway are unnamed unless the client named its operation.
            operation: executed ? operationLabel(operation?.name?.value, max) : NOT_EXECUTED,
            type: operation?.operation ?? "unknown",
            outcome: firstError ? (typeof code === "string" ? code : "INTERNAL_SERVER_ERROR") : "ok",
          };
          graphqlOperations.inc(labels);
          graphqlDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}

// An Apollo Server plugin that counts and times every GraphQL operation by name, type and outcome.
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { graphqlDuration, graphqlOperations } from "./registry.ts";

export interface GraphQLMetricsOptions {
  /** The `service` label: "gateway" or the subgraph's name. */
  service: string;
}

/** Outcome is "ok" or the first error's `extensions.code`, so dashboards split failures by cause. */
export function useGraphQLMetrics<TContext extends BaseContext>(
  options: GraphQLMetricsOptions,
): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operationName, operation, errors, response }) {
          const single = response.body.kind === "single" ? response.body.singleResult : undefined;
          const firstError = errors?.[0] ?? single?.errors?.[0];
          const code = firstError?.extensions?.code;
          const labels = {
            service: options.service,
            // Subgraph fetches from the gateway are unnamed unless the client named its operation.
            operation: operationName ?? "anonymous",
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

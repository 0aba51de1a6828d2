// An Apollo Server plugin that counts and times every GraphQL operation by name, type and outcome.
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import type { DocumentNode } from "graphql";
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
        async willSendResponse({ operationName, operation, errors, response, request, document }) {
          const single = response.body.kind === "single" ? response.body.singleResult : undefined;
          const firstError = errors?.[0] ?? single?.errors?.[0];
          const code = firstError?.extensions?.code;
          const labels = {
            service: options.service,
            // Subgraph fetches from the gateway are unnamed unless the client named its operation.
            operation: operationName ?? request.operationName ?? namedInDocument(document) ?? "anonymous",
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

/** A document that failed validation has no resolved operation; its one named operation still says what it was. */
function namedInDocument(document: DocumentNode | undefined): string | undefined {
  const operations = document?.definitions.filter((d) => d.kind === "OperationDefinition") ?? [];
  const only = operations.length === 1 ? operations[0] : undefined;
  return only?.kind === "OperationDefinition" ? only.name?.value : undefined;
}

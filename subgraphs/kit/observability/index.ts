// A subgraph's observability: /metrics, the request wrapper, the GraphQL metrics plugin, tracing start-up.
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import type { Logger } from "../../../platform/logger.ts";
import { METRICS_PATH, useGraphQLMetrics } from "../../../platform/metrics/index.ts";
import { type Handler, observeRequests } from "../../../platform/tracing/http-server.ts";

export { METRICS_PATH, serveMetrics } from "../../../platform/metrics/index.ts";
export { watchSubgraph } from "./watch.ts";

export interface SubgraphObservability<TContext extends BaseContext> {
  plugin: ApolloServerPlugin<TContext>;
  observe(handler: Handler): Handler;
}

export function subgraphObservability<TContext extends BaseContext>(
  service: string,
  logger: Logger,
  maxOperationNames?: number,
): SubgraphObservability<TContext> {
  const routes = ["/graphql", "/health", METRICS_PATH];
  return {
    plugin: useGraphQLMetrics<TContext>({ service, maxOperationNames }),
    observe: (handler) => observeRequests({ service, routes, logger }, handler),
  };
}

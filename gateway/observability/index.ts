// The gateway's observability in one place: tracing start-up, request wrapper, /metrics, subscription gauges.
import type { ApolloServerPlugin } from "@apollo/server";
import type { Logger } from "../../platform/logger.ts";
import { METRICS_PATH, useGraphQLMetrics, watchSubscriptions } from "../../platform/metrics/index.ts";
import { type Handler, observeRequests } from "../../platform/tracing/http-server.ts";
import { startTracing } from "../../platform/tracing/index.ts";
import type { GatewayContext } from "../context.ts";

export { METRICS_PATH, serveMetrics } from "../../platform/metrics/index.ts";
export { observedServices } from "./data-source.ts";

export interface GatewayObservabilityOptions {
  logger: Logger;
  /** OTLP/HTTP endpoint; unset leaves tracing off. */
  tracingEndpoint?: string;
  /** Paths with their own `route` label; others are counted as "other". */
  routes: readonly string[];
  subscriberCount: () => number;
}

export interface GatewayObservability {
  plugin: ApolloServerPlugin<GatewayContext>;
  observe(handler: Handler): Handler;
  /** Stops the gauges' sources; call first when stopping. */
  stop(): void;
  /** Exports the spans still buffered; call last, once the drained requests' spans have ended. */
  flush(): Promise<void>;
}

/** Resolves once tracing (when enabled) is registered, so the first request is already traced. */
export async function useObservability(options: GatewayObservabilityOptions): Promise<GatewayObservability> {
  const tracing = await startTracing({ serviceName: "gateway", endpoint: options.tracingEndpoint });
  const unwatch = watchSubscriptions(options.subscriberCount);
  const routes = [...options.routes, METRICS_PATH];
  return {
    plugin: useGraphQLMetrics<GatewayContext>({ service: "gateway" }),
    observe: (handler) => observeRequests({ service: "gateway", routes, logger: options.logger }, handler),
    stop: unwatch,
    flush: async () => {
      await tracing?.flush();
    },
  };
}

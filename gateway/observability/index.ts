// The gateway's observability in one place: tracing start-up, request wrapper, /metrics, gauges, consumer lag.
import type { ApolloServerPlugin } from "@apollo/server";
import type { Logger } from "../../platform/logger.ts";
import { METRICS_PATH, useGraphQLMetrics, watchSubscriptions } from "../../platform/metrics/index.ts";
import { type Handler, observeRequests } from "../../platform/tracing/http-server.ts";
import { startTracing } from "../../platform/tracing/index.ts";
import type { GatewayContext } from "../context.ts";
import { type GatewayLagOptions, watchGatewayLag } from "./consumer-lag.ts";

export { METRICS_PATH, serveMetrics } from "../../platform/metrics/index.ts";
export { observedServices } from "./data-source.ts";

export interface GatewayObservabilityOptions {
  logger: Logger;
  /** OTLP/HTTP endpoint; unset leaves tracing off. */
  tracingEndpoint?: string;
  /** Paths with their own `route` label; others are counted as "other". */
  routes: readonly string[];
  subscriberCount: () => number;
  /** Distinct operation names /metrics labels before counting the rest as `other`. */
  maxOperationNames?: number;
  /** The subscription consumer's group, whose lag is sampled; undefined when subscriptions are off. */
  consumerGroup?: Omit<GatewayLagOptions, "logger">;
}

export interface GatewayObservability {
  plugins: ApolloServerPlugin<GatewayContext>[];
  observe(handler: Handler): Handler;
  /** Stops the gauges' sources; call first when stopping. */
  stop(): void;
  /** Stops sampling lag and exports the spans still buffered; call last, once the drained requests ended. */
  close(): Promise<void>;
}

/** Resolves once tracing (when enabled) is registered, so the first request is already traced. */
export async function useObservability(options: GatewayObservabilityOptions): Promise<GatewayObservability> {
  const tracing = await startTracing({ serviceName: "gateway", endpoint: options.tracingEndpoint });
  const unwatch = watchSubscriptions(options.subscriberCount);
  const lag = options.consumerGroup
    ? watchGatewayLag({ ...options.consumerGroup, logger: options.logger })
    : null;
  const routes = [...options.routes, METRICS_PATH];
  return {
    plugins: [
      useGraphQLMetrics<GatewayContext>({ service: "gateway", maxOperationNames: options.maxOperationNames }),
      ...(lag ? [lag.plugin] : []),
    ],
    observe: (handler) => observeRequests({ service: "gateway", routes, logger: options.logger }, handler),
    stop: unwatch,
    close: async () => {
      await lag?.stop();
      await tracing?.flush();
    },
  };
}

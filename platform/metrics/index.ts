// The metrics kit: one registry per process, the metric definitions, HTTP exposure and the Apollo plugin.

export { BROKER_SERIES, type BrokerMetrics, serveBrokerMetrics } from "./broker.ts";
export { type LagSampler, sampleConsumerLag } from "./consumer-lag.ts";
export { watchDatabase, watchOutbox, watchSubscriptions } from "./gauges.ts";
export { useGraphQLMetrics } from "./graphql-plugin.ts";
export { METRICS_PATH, measureRequest, routeLabel, serveMetrics } from "./http.ts";
export { DEFAULT_MAX_OPERATION_NAMES } from "./operation-names.ts";
export * from "./registry.ts";

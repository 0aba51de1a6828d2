// The one Prometheus registry of this process and every Tributary metric in it (names, types, labels).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export const registry = new Registry();
// Node's standard set (CPU, memory, event-loop lag, GC), unprefixed as every Node dashboard expects.
collectDefaultMetrics({ register: registry });

/**
 * prom-client's default set types these three as gauges yet names them `_total`, which Prometheus reserves for
 * counters (promtool flags them). The same set's `nodejs_active_resources` (by type) already says what they do.
 */
for (const name of [
  "nodejs_active_handles_total",
  "nodejs_active_requests_total",
  "nodejs_active_resources_total",
]) {
  registry.removeSingleMetric(name);
}

/** Seconds: from a fast cached field (1 ms) to a slow cross-subgraph plan (10 s). */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const httpRequests = new Counter({
  name: "tributary_http_requests_total",
  help: "HTTP requests answered, by service, route, method and status code.",
  labelNames: ["service", "route", "method", "status"] as const,
  registers: [registry],
});

export const httpDuration = new Histogram({
  name: "tributary_http_request_duration_seconds",
  help: "Time from an HTTP request's arrival to the end of its response.",
  labelNames: ["service", "route", "method", "status"] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const graphqlOperations = new Counter({
  name: "tributary_graphql_operations_total",
  help: "GraphQL operations executed, by operation name, type and outcome (ok or the first error's code).",
  labelNames: ["service", "operation", "type", "outcome"] as const,
  registers: [registry],
});

export const graphqlDuration = new Histogram({
  name: "tributary_graphql_operation_duration_seconds",
  help: "Time to execute a GraphQL operation, parsing and validation included.",
  labelNames: ["service", "operation", "type", "outcome"] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const subgraphFetchDuration = new Histogram({
  name: "tributary_gateway_subgraph_fetch_duration_seconds",
  help: "Time the gateway waits for one subgraph fetch of a query plan, by subgraph and outcome (ok or error).",
  labelNames: ["subgraph", "outcome"] as const,
  buckets: LATENCY_BUCKETS,
  registers: [registry],
});

export const recordsProduced = new Counter({
  name: "tributary_kafka_records_produced_total",
  help: "Events the outbox relay published to Kafka.",
  labelNames: ["service"] as const,
  registers: [registry],
});

export const recordsConsumed = new Counter({
  name: "tributary_kafka_records_consumed_total",
  help: "Events a consumer finished with, by outcome: applied, duplicate or dead_lettered.",
  labelNames: ["group", "topic", "outcome"] as const,
  registers: [registry],
});

export const deadLettered = new Counter({
  name: "tributary_kafka_dead_lettered_total",
  help: "Events parked on <topic>.dlq because they could not be decoded or handled.",
  labelNames: ["group", "topic"] as const,
  registers: [registry],
});

export const consumerLag = new Gauge({
  name: "tributary_kafka_consumer_lag",
  help: "Records a consumer group has yet to commit: high watermark minus committed offset, sampled periodically.",
  labelNames: ["group", "topic", "partition"] as const,
  registers: [registry],
});

export const subscriptionDeliveries = new Counter({
  name: "tributary_gateway_subscription_deliveries_total",
  help: "Subscription events handed to subscribers' streams at the gateway.",
  registers: [registry],
});

/** Prometheus text for a scrape. */
export function scrape(): Promise<string> {
  return registry.metrics();
}

export const entityCacheRequests = new Counter({
  name: "tributary_entity_cache_requests_total",
  help: "Gateway entity cache look-ups, by result (hit, miss or bypass) and type (entity type or Query field).",
  labelNames: ["result", "type"] as const,
  registers: [registry],
});

export const entityCacheEntries = new Gauge({
  name: "tributary_entity_cache_entries",
  help: "Entries in the gateway's in-process entity cache.",
  registers: [registry],
});

export const entityCacheBytes = new Gauge({
  name: "tributary_entity_cache_bytes",
  help: "Estimated bytes held by the gateway's in-process entity cache (bounded by ENTITY_CACHE_MAX_BYTES).",
  registers: [registry],
});

export const entityCacheEvictions = new Counter({
  name: "tributary_entity_cache_evictions_total",
  help: "Entries the in-process entity cache pushed out to stay within its byte bound.",
  registers: [registry],
});

export const entityCacheInvalidationLag = new Histogram({
  name: "tributary_entity_cache_invalidation_lag_seconds",
  help: "From an event's time (ce_time) to the gateway dropping the cache entries it invalidates.",
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

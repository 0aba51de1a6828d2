// The tracing kit: provider start-up, W3C propagation helpers and the HTTP server wrapper.
// Everything here needs only @opentelemetry/api; the SDK is loaded by startTracing, and only when enabled.
export { observeRequests } from "./http-server.ts";
export { inConsumerSpan, type RecordHeaders } from "./messaging.ts";
export { contextFromHeaders, currentTraceId, traceHeaders, tracer } from "./propagation.ts";
export { startTracing, type Tracing, type TracingOptions } from "./provider.ts";

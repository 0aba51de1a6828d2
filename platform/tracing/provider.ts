// Turns tracing on for this process, or leaves it off without loading the OpenTelemetry SDK at all.
import type { SpanExporter } from "@opentelemetry/sdk-trace-base";

export interface TracingOptions {
  /** `service.name` of this process, e.g. "gateway" or "orders". */
  serviceName: string;
  /** OTLP/HTTP base URL (OTEL_EXPORTER_OTLP_ENDPOINT); spans go to `<endpoint>/v1/traces`. */
  endpoint?: string;
  /** Tests pass an in-memory exporter; spans are then exported one by one, at once. */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** Sends the spans still buffered; call it when a part stops, so its last spans are not lost. */
  flush(): Promise<void>;
  /** Flushes, then turns the provider off: for the end of the process. */
  shutdown(): Promise<void>;
}

let starting: Promise<Tracing | null> | null = null;

/**
 * Without an endpoint or exporter nothing is registered and nothing is imported: the OpenTelemetry API stays
 * a no-op that costs nothing, and the SDK's modules (a few hundred ms of start-up) are never loaded.
 * A process registers one provider; later calls (a second part in the same process) get the same one.
 */
export function startTracing(options: TracingOptions): Promise<Tracing | null> {
  if (starting) return starting;
  if (!options.endpoint && !options.exporter) return Promise.resolve(null);
  starting = import("./sdk.ts").then(({ registerProvider }) => registerProvider(options));
  return starting;
}

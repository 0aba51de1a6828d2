// W3C trace context in and out of carriers: HTTP headers, outbox rows and Kafka record headers.
import { type Context, context, propagation, trace } from "@opentelemetry/api";

export const tracer = trace.getTracer("tributary");

/** `traceparent` (and `tracestate`) of the active span; empty when tracing is off or nothing is active. */
export function traceHeaders(from: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  return carrier;
}

/** The context a carrier's `traceparent` describes, to continue that trace. */
export function contextFromHeaders(headers: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(context.active(), headers, {
    keys: (carrier) => Object.keys(carrier),
    get: (carrier, key) => carrier[key],
  });
}

/** For log lines: the active trace id, or undefined when tracing is off. */
export function currentTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  const id = span?.spanContext().traceId;
  return id && span?.isRecording() ? id : undefined;
}

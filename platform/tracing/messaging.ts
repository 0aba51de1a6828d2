// A span around one Kafka record's processing that continues the trace its producer put in the record headers.
import { context, type Span, SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { contextFromHeaders, tracer } from "./propagation.ts";

export type RecordHeaders = Record<string, string | string[] | undefined>;

/** Runs `work` in a CONSUMER span whose parent is the producer's `traceparent`; errors mark the span failed. */
export function inConsumerSpan<T>(
  name: string,
  headers: RecordHeaders,
  attributes: Record<string, string | number>,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = contextFromHeaders(headers);
  return context.with(parent, () =>
    tracer.startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes }, async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    }),
  );
}

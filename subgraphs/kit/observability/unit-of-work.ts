// Stores the active trace context with every event a unit of work enqueues, so consumers continue the trace.
import { traceHeaders } from "../../../platform/tracing/index.ts";
import type { Publish, UnitOfWork } from "../unit-of-work.ts";

/**
 * The outbox row's `headers` column carries `traceparent` to the relay, which sends it as a Kafka header.
 * `enqueueEvent` already accepts `headers`; OutgoingEvent does not declare them, hence the widening here.
 */
export function tracedUnitOfWork(inner: UnitOfWork): UnitOfWork {
  return {
    db: inner.db,
    transact: (work) => inner.transact((tx, publish) => work(tx, withTraceHeaders(publish))),
  };
}

function withTraceHeaders(publish: Publish): Publish {
  return (event) => {
    const headers = traceHeaders();
    if (Object.keys(headers).length === 0) return publish(event);
    // A variable, not a literal, so the extra `headers` field passes through to enqueueEvent.
    const traced = { ...event, headers };
    return publish(traced);
  };
}

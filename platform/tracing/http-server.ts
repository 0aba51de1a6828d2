// Observes one incoming HTTP request: request id, a server span continuing the caller's trace, metrics, a log line.
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import type { Logger } from "../logger.ts";
import { measureRequest, routeLabel } from "../metrics/http.ts";
import { contextFromHeaders, tracer } from "./propagation.ts";

export interface ObserveOptions {
  /** `service` label and span attribute: "gateway" or the subgraph's name. */
  service: string;
  /** Paths that keep their own `route` label. */
  routes: readonly string[];
  logger: Logger;
}

const QUIET_ROUTES = new Set(["/health", "/ready", "/metrics"]);

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Wraps a node:http request listener. A missing `x-request-id` is generated and written back onto the
 * request, so the GraphQL context and the subgraph fetches carry the same id the log line shows.
 */
export function observeRequests(options: ObserveOptions, handler: Handler): Handler {
  return (req, res) => {
    const existing = req.headers["x-request-id"];
    const requestId = typeof existing === "string" && existing ? existing : randomUUID();
    req.headers["x-request-id"] = requestId;
    res.setHeader("x-request-id", requestId);
    const route = routeLabel(new URL(req.url ?? "/", "http://local").pathname, options.routes);
    measureRequest(options.service, route, req, res);
    const parent = contextFromHeaders(req.headers);
    const span = tracer.startSpan(
      `${req.method ?? "GET"} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          "http.request.method": req.method ?? "GET",
          "http.route": route,
          "tributary.service": options.service,
          "tributary.request_id": requestId,
        },
      },
      parent,
    );
    const started = Date.now();
    res.once("close", () => {
      span.setAttribute("http.response.status_code", res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
      // With tracing off the span is a no-op that still carries the caller's trace id, if one was sent.
      const spanContext = span.spanContext();
      // Probes and scrapes arrive every few seconds; they would drown the requests people look for.
      const level = QUIET_ROUTES.has(route) ? "debug" : "info";
      options.logger[level](
        {
          requestId,
          traceId: trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined,
          spanId: trace.isSpanContextValid(spanContext) ? spanContext.spanId : undefined,
          method: req.method,
          url: req.url,
          status: res.statusCode,
          durationMs: Date.now() - started,
        },
        "request",
      );
    });
    context.with(trace.setSpan(parent, span), () => handler(req, res));
  };
}

// Serves the registry at /metrics and records each HTTP request's count and duration.
import type { IncomingMessage, ServerResponse } from "node:http";
import { httpDuration, httpRequests, registry } from "./registry.ts";

export const METRICS_PATH = "/metrics";

export async function serveMetrics(res: ServerResponse): Promise<void> {
  const body = await registry.metrics();
  res.writeHead(200, { "content-type": registry.contentType });
  res.end(body);
}

/**
 * Known routes keep their path, templates (`/orders/{id}`) their template; anything else is "other", so a
 * scanner cannot blow up the label set. A literal route wins over a template matching the same path.
 */
export function routeLabel(pathname: string, known: readonly string[]): string {
  if (known.includes(pathname)) return pathname;
  const parts = pathname.split("/");
  const template = known.find((route) => {
    const segments = route.split("/");
    return (
      segments.length === parts.length &&
      segments.every((s, i) => s === parts[i] || (/^\{\w+\}$/.test(s) && parts[i] !== ""))
    );
  });
  return template ?? "other";
}

/** Call when a request arrives; the measurement is taken when its response finishes or is cut off. */
export function measureRequest(service: string, route: string, req: IncomingMessage, res: ServerResponse) {
  const started = process.hrtime.bigint();
  res.once("close", () => {
    const labels = { service, route, method: req.method ?? "GET", status: String(res.statusCode) };
    httpRequests.inc(labels);
    httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
  });
}

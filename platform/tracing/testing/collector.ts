// A real OTLP/HTTP receiver for tests: keeps the JSON body of every export sent to /v1/traces.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TestCollector {
  /** The base URL to put in OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  /** Export request bodies, in arrival order. */
  bodies: string[];
  /** Every span name received so far. */
  spanNames(): string[];
  close(): Promise<void>;
}

interface ExportBody {
  resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: Array<{ name: string }> }> }>;
}

export function startCollector(): Promise<TestCollector> {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      if (req.url === "/v1/traces") bodies.push(body);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  const spanNames = () =>
    bodies.flatMap((body) =>
      ((JSON.parse(body) as ExportBody).resourceSpans ?? []).flatMap((resource) =>
        (resource.scopeSpans ?? []).flatMap((scope) => (scope.spans ?? []).map((span) => span.name)),
      ),
    );
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        bodies,
        spanNames,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

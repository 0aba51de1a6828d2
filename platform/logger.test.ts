import { Writable } from "node:stream";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "./logger.ts";
import { startTracing, type Tracing, tracer } from "./tracing/index.ts";

/** A destination that keeps each JSON line, parsed. */
function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, stream };
}

describe("log lines and traces join on traceId and spanId", () => {
  let tracing: Tracing | null;
  beforeAll(async () => {
    tracing = await startTracing({ serviceName: "logger-test", exporter: new InMemorySpanExporter() });
  });
  afterAll(() => tracing?.shutdown());

  it("stamps the active span's ids on a line logged inside it", async () => {
    const { lines, stream } = capture();
    const logger = createLogger({ name: "orders", destination: stream });
    const ids = tracer.startActiveSpan("place order", (span) => {
      logger.info({ orderId: "o-1" }, "order placed");
      // A child logger made inside the span still reads the span active at each call.
      logger.child({ component: "saga" }).warn("stock short");
      span.end();
      return span.spanContext();
    });
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).toMatchObject({ name: "orders", traceId: ids.traceId, spanId: ids.spanId });
    }
    expect(lines[0]).toMatchObject({ orderId: "o-1", msg: "order placed" });
  });

  it("leaves the ids out when no span is active", () => {
    const { lines, stream } = capture();
    createLogger({ name: "orders", destination: stream }).info("idle");
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toHaveProperty("traceId");
    expect(lines[0]).not.toHaveProperty("spanId");
  });
});

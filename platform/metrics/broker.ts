// Exports the embedded broker's own counters (bytes, records, connections, groups) from the process that runs it.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Counter, Gauge, Registry } from "prom-client";

/** Monotonic broker counters become `_total` series; the rest are gauges. */
export const BROKER_SERIES = [
  ["bytesIn", "tributary_broker_bytes_in_total", "Bytes of requests the broker read."],
  ["bytesOut", "tributary_broker_bytes_out_total", "Bytes of responses the broker wrote."],
  ["recordsIn", "tributary_broker_records_in_total", "Records produced to the broker."],
  ["recordsOut", "tributary_broker_records_out_total", "Records fetched from the broker."],
  ["requests", "tributary_broker_requests_total", "Kafka protocol requests served."],
  ["totalConnections", "tributary_broker_connections_total", "Client connections accepted."],
  ["connectionErrors", "tributary_broker_connection_errors_total", "Connections that ended in an error."],
  ["activeConnections", "tributary_broker_connections_open", "Client connections open now."],
  ["topics", "tributary_broker_topics", "Topics the broker holds."],
  ["groups", "tributary_broker_groups", "Consumer groups the broker coordinates."],
  ["rebalances", "tributary_broker_rebalances_total", "Group rebalances since start."],
] as const;

/**
 * The counters read at each scrape, named by the series above. Declared here rather than imported from the
 * broker: events/ builds on platform/, so platform/ takes any source with these fields (the embedded broker's
 * `stats()` is one) and stays below it.
 */
export type BrokerCounters = Record<(typeof BROKER_SERIES)[number][0], number>;

export interface BrokerMetricsOptions {
  stats: () => BrokerCounters;
  port: number;
  host: string;
}

export interface BrokerMetrics {
  port: number;
  close(): Promise<void>;
}

/**
 * A bare /metrics listener for the broker, in the process that runs it (`npm start`'s supervisor), which has no
 * HTTP server of its own. It has its own registry: the supervisor's scrape shows the broker, not empty copies of
 * the gateway's and subgraphs' series.
 * `stats()` is read at scrape time (a few property reads). The `_total` series are typed counter, so rate() and
 * promtool read them right: prom-client counters cannot be set, so each scrape resets and adds the running total.
 */
export function serveBrokerMetrics(options: BrokerMetricsOptions): Promise<BrokerMetrics> {
  const registry = new Registry();
  for (const [field, name, help] of BROKER_SERIES) {
    if (name.endsWith("_total")) {
      new Counter({
        name,
        help,
        registers: [registry],
        collect() {
          this.reset();
          this.inc(options.stats()[field]);
        },
      });
    } else {
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          this.set(options.stats()[field]);
        },
      });
    }
  }
  const server = createServer((req, res) => {
    if (new URL(req.url ?? "/", "http://local").pathname !== "/metrics") {
      res.writeHead(404).end();
      return;
    }
    registry.metrics().then(
      (body) => res.writeHead(200, { "content-type": registry.contentType }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

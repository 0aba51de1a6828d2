// Exports the embedded broker's own counters (bytes, records, connections, groups) from the process that runs it.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Gauge } from "prom-client";
import type { BrokerStats } from "../../events/broker/index.ts";
import { registry } from "./registry.ts";

/** Monotonic broker counters become `_total` series; the rest are gauges. */
const SERIES: ReadonlyArray<[keyof BrokerStats, string, string]> = [
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
];

let source: (() => BrokerStats) | null = null;

/**
 * Reads `stats()` at scrape time: the broker keeps plain numbers, so a scrape costs a few property reads.
 * The counters are exposed as gauges holding the running totals, since prom-client counters cannot be set.
 */
export function watchBroker(stats: () => BrokerStats): () => void {
  if (!source) {
    for (const [field, name, help] of SERIES) {
      new Gauge({
        name,
        help,
        registers: [registry],
        collect() {
          if (source) this.set(source()[field]);
        },
      });
    }
  }
  source = stats;
  return () => {
    source = null;
  };
}

/** A bare /metrics listener for a process that has no HTTP server of its own (`npm start`'s supervisor). */
export function listenForScrapes(port: number, host: string): Promise<{ server: Server; port: number }> {
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
    server.listen(port, host, () => resolve({ server, port: (server.address() as AddressInfo).port }));
  });
}

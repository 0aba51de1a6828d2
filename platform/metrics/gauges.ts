// Gauges computed when scraped: each running part registers a source, and the scrape asks all of them.
import { Gauge } from "prom-client";
import { registry } from "./registry.ts";

export interface OutboxBacklog {
  pending: number;
  oldestAgeMs: number;
}

const outboxSources = new Map<string, () => Promise<OutboxBacklog>>();
const subscriptionSources = new Set<() => number>();
const databaseSources = new Map<string, DatabaseSource>();

export interface DatabaseSource {
  queriesInFlight?: () => number;
  poolMax?: number;
}

/** Both outbox gauges of one scrape share a single query: the measurement is reused for a second. */
const recentBacklogs = new Map<string, { at: number; measured: Promise<OutboxBacklog | null> }>();
function backlogOnce(service: string, backlog: () => Promise<OutboxBacklog>): Promise<OutboxBacklog | null> {
  const recent = recentBacklogs.get(service);
  if (recent && Date.now() - recent.at < 1_000) return recent.measured;
  const measured = backlog().catch(() => null);
  recentBacklogs.set(service, { at: Date.now(), measured });
  return measured;
}

/** A per-service gauge read from each outbox's backlog at scrape time. */
function outboxGauge(name: string, help: string, read: (backlog: OutboxBacklog) => number): void {
  new Gauge({
    name,
    help,
    labelNames: ["service"] as const,
    registers: [registry],
    async collect() {
      this.reset();
      for (const [service, backlog] of outboxSources) {
        const measured = await backlogOnce(service, backlog);
        if (measured) this.set({ service }, read(measured));
      }
    },
  });
}

outboxGauge("tributary_outbox_pending", "Outbox rows not yet published to Kafka.", (b) => b.pending);
outboxGauge(
  "tributary_outbox_oldest_age_seconds",
  "Age of the oldest unpublished outbox row, 0 when none waits: the number to alert on.",
  (b) => b.oldestAgeMs / 1000,
);

new Gauge({
  name: "tributary_gateway_subscriptions_open",
  help: "GraphQL subscriptions currently open at the gateway.",
  registers: [registry],
  collect() {
    let open = 0;
    for (const count of subscriptionSources) open += count();
    this.set(open);
  },
});

new Gauge({
  name: "tributary_db_queries_in_flight",
  help: "Database queries (a transaction counts once) running now, by subgraph.",
  labelNames: ["service"] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const [service, source] of databaseSources) {
      if (source.queriesInFlight) this.set({ service }, source.queriesInFlight());
    }
  },
});

new Gauge({
  name: "tributary_db_pool_max_connections",
  help: "Connections the Postgres pool may open; absent for PGlite, one in-process connection.",
  labelNames: ["service"] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const [service, source] of databaseSources) {
      if (source.poolMax !== undefined) this.set({ service }, source.poolMax);
    }
  },
});

export function watchDatabase(service: string, source: DatabaseSource): () => void {
  databaseSources.set(service, source);
  return () => databaseSources.delete(service);
}

/** Measured on scrape only: one cheap indexed query per scrape, nothing in between. Returns an unregister. */
export function watchOutbox(service: string, backlog: () => Promise<OutboxBacklog>): () => void {
  outboxSources.set(service, backlog);
  return () => {
    outboxSources.delete(service);
    recentBacklogs.delete(service);
  };
}

export function watchSubscriptions(count: () => number): () => void {
  subscriptionSources.add(count);
  return () => subscriptionSources.delete(count);
}

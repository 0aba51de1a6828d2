// Counters for the metrics endpoint; plain numbers so reading them costs nothing.

export interface BrokerStats {
  bytesIn: number;
  bytesOut: number;
  recordsIn: number;
  recordsOut: number;
  requests: number;
  activeConnections: number;
  totalConnections: number;
  connectionErrors: number;
  topics: number;
  groups: number;
  rebalances: number;
}

export type Counters = Omit<BrokerStats, "topics" | "groups" | "rebalances">;

export function newCounters(): Counters {
  return {
    bytesIn: 0,
    bytesOut: 0,
    recordsIn: 0,
    recordsOut: 0,
    requests: 0,
    activeConnections: 0,
    totalConnections: 0,
    connectionErrors: 0,
  };
}

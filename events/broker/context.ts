// What every request handler can reach: the broker's identity, its stores and its counters.

import type { GroupCoordinator } from "./groups/coordinator.ts";
import type { BrokerLogger } from "./logger.ts";
import type { Reader } from "./protocol/reader.ts";
import type { Writer } from "./protocol/writer.ts";
import type { Counters } from "./stats.ts";
import type { DataWaiters } from "./storage/data-waiters.ts";
import type { Flusher } from "./storage/flusher.ts";
import type { TopicStore } from "./storage/topics.ts";

export const NODE_ID = 0;
export const CLUSTER_ID = "tributary-embedded";

export interface BrokerContext {
  /** Filled in once the socket is bound, so port 0 advertises the real port. */
  host: string;
  port: number;
  topics: TopicStore;
  groups: GroupCoordinator;
  flusher: Flusher;
  waiters: DataWaiters;
  counters: Counters;
  logger: BrokerLogger;
}

export interface RequestInfo {
  apiKey: number;
  version: number;
  correlationId: number;
  clientId: string | null;
  clientHost: string;
}

/** Encodes the response body, or returns null when the protocol wants no response (acks=0). */
export type Handler = (
  ctx: BrokerContext,
  req: RequestInfo,
  r: Reader,
) => Writer | null | Promise<Writer | null>;

/** Handlers at v1+ of most APIs lead (or end) with throttle_time_ms; the broker never throttles. */
export function throttle(w: Writer, when: boolean): Writer {
  return when ? w.int32(0) : w;
}

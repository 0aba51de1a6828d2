// Readiness: every subgraph answers its /health, Kafka answers an admin request and the event consumer is
// joined and positioned (a subscription acknowledged from then on gets every later event); cached briefly.
import type { Kafka } from "kafkajs";
import { createKafka } from "../events/kafka.ts";
import type { SubgraphEndpoint } from "./supergraph/subgraphs.ts";

export type PartState = "up" | "down";

export interface ReadinessReport {
  ready: boolean;
  subgraphs: Record<string, PartState>;
  kafka: PartState | "disabled";
  /** The gateway's event consumer: "consuming" once joined and positioned on every event topic. */
  events: "consuming" | "starting" | "disabled";
  /** Only under `npm start` with seeding on: false until the demo data is in. */
  seeded?: boolean;
}

export interface ReadinessOptions {
  subgraphs: () => SubgraphEndpoint[];
  /** Absent when subscriptions are off: the gateway then does not need Kafka to serve. */
  kafka?: { brokers: string[]; clientId: string };
  /** Whether the event consumer is joined and positioned; absent when subscriptions are off. */
  events?: () => boolean;
  cacheMs?: number;
  timeoutMs?: number;
  /** A gate of its own: not ready while it returns false (gateway/seed-signal.ts). */
  seeded?: () => boolean;
}

export type ReadinessCheck = () => Promise<ReadinessReport>;

async function subgraphUp({ url }: SubgraphEndpoint, timeoutMs: number): Promise<PartState> {
  try {
    const response = await fetch(new URL("/health", url), { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok ? "up" : "down";
  } catch {
    return "down";
  }
}

async function kafkaUp(kafka: Kafka, timeoutMs: number): Promise<PartState> {
  const admin = kafka.admin();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error("kafka readiness timed out")), timeoutMs);
  });
  try {
    await Promise.race([admin.connect().then(() => admin.describeCluster()), timeout]);
    return "up";
  } catch {
    return "down";
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}

export function readinessCheck(options: ReadinessOptions): ReadinessCheck {
  const cacheMs = options.cacheMs ?? 2000;
  const timeoutMs = options.timeoutMs ?? 1500;
  // A readiness probe must answer quickly: no retries, short connection timeouts.
  const kafka = options.kafka
    ? createKafka({
        clientId: `${options.kafka.clientId}-readiness`,
        brokers: options.kafka.brokers,
        connectionTimeout: timeoutMs,
        requestTimeout: timeoutMs,
        retry: { retries: 0 },
      })
    : undefined;
  let cached: { at: number; report: Promise<ReadinessReport> } | undefined;

  async function check(): Promise<ReadinessReport> {
    const endpoints = options.subgraphs();
    const [states, kafkaState] = await Promise.all([
      Promise.all(endpoints.map((endpoint) => subgraphUp(endpoint, timeoutMs))),
      kafka ? kafkaUp(kafka, timeoutMs) : Promise.resolve("disabled" as const),
    ]);
    const subgraphs = Object.fromEntries(endpoints.map((e, i) => [e.name, states[i] ?? "down"]));
    const ready = endpoints.length > 0 && states.every((s) => s === "up") && kafkaState !== "down";
    return { ready, subgraphs, kafka: kafkaState, events: "disabled" };
  }

  return async () => {
    const now = Date.now();
    // Concurrent probes share one round of checks instead of each hitting every subgraph; a round that found
    // something down is not reused afterwards, so the probe after a part comes up sees it at once.
    if (!cached || now - cached.at > cacheMs) {
      const round = { at: now, report: check() };
      cached = round;
      const forget = () => {
        if (cached === round) cached = undefined;
      };
      void round.report.then((report) => report.ready || forget(), forget);
    }
    let report = await cached.report;
    // The in-process gates are asked on every probe, never cached: a consumer re-joining its group is not
    // ready for that moment, and the end of seeding counts from the moment it is told.
    if (options.seeded) {
      const seeded = options.seeded();
      report = { ...report, ready: report.ready && seeded, seeded };
    }
    if (!options.events) return report;
    const consuming = options.events();
    return { ...report, ready: report.ready && consuming, events: consuming ? "consuming" : "starting" };
  };
}

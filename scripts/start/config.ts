// `npm start`'s own settings; every part it launches reads the rest of the environment itself.
import { resolve } from "node:path";
import { z } from "zod";
import { parseGatewaySecret } from "../../platform/auth/gateway-secret.ts";
import { type Env, nodeEnvSchema, optionalBoolean } from "../../platform/config.ts";
import { DEFAULT_BROKER_PORT, DEFAULT_GATEWAY_PORT } from "../../platform/topology.ts";

const schema = z.object({
  GATEWAY_PORT: z.coerce.number().int().min(1).max(65535).default(DEFAULT_GATEWAY_PORT),
  BROKER_PORT: z.coerce.number().int().min(1).max(65535).default(DEFAULT_BROKER_PORT),
  // kafka_exporter's conventional port, where Prometheus users look for Kafka metrics.
  BROKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9308),
  HOST: z.string().default("127.0.0.1"),
  KAFKA_BROKERS: z.string().optional(),
  DATA_DIR: z.string().default(".data"),
  SEED: optionalBoolean(true),
  // shared: the six subgraphs in one process (less memory, one start-up); separate: a process each. Unset, a
  // process each when traces are exported: one process registers one tracing resource, one service name.
  SUBGRAPH_PROCESSES: z.enum(["shared", "separate"]).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().optional(),
  START_TIMEOUT_MS: z.coerce.number().int().positive().default(180_000),
  NODE_ENV: nodeEnvSchema,
  // Handed on to every part unchanged; checked here too so a bad one stops npm start before seven processes do.
  GATEWAY_SECRET: z.string().optional(),
});

export interface StartConfig {
  gatewayPort: number;
  brokerPort: number;
  /** The embedded broker's /metrics; 0 turns it off. */
  brokerMetricsPort: number;
  host: string;
  /** Unset: `npm start` runs the embedded broker. */
  kafkaBrokers?: string;
  dataDir: string;
  seed: boolean;
  /** Where the subgraphs run: all in one process, or each in its own (docs/architecture.md). */
  subgraphProcesses: "shared" | "separate";
  startTimeoutMs: number;
}

export function parseStartConfig(env: Env): StartConfig {
  const e = schema.parse(env);
  parseGatewaySecret(e.GATEWAY_SECRET, e.NODE_ENV);
  return {
    gatewayPort: e.GATEWAY_PORT,
    brokerPort: e.BROKER_PORT,
    brokerMetricsPort: e.BROKER_METRICS_PORT,
    host: e.HOST,
    kafkaBrokers: e.KAFKA_BROKERS,
    dataDir: resolve(e.DATA_DIR),
    seed: e.SEED,
    subgraphProcesses: e.SUBGRAPH_PROCESSES ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT ? "separate" : "shared"),
    startTimeoutMs: e.START_TIMEOUT_MS,
  };
}

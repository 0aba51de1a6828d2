// A subgraph's configuration, parsed once from the environment at its entry point.
import { join, resolve } from "node:path";
import { z } from "zod";
import { parseGatewaySecret } from "../../platform/auth/gateway-secret.ts";
import type { TokenSettings } from "../../platform/auth/tokens.ts";
import {
  DEV_ADMIN_PASSWORD,
  type Env,
  nodeEnvSchema,
  optionalBoolean,
  parseTokenSettings,
} from "../../platform/config.ts";
import {
  DEFAULT_BROKER_PORT,
  DEFAULT_GATEWAY_PORT,
  defaultSubgraphPort,
  type SubgraphName,
} from "../../platform/topology.ts";

export interface SubgraphConfig {
  name: SubgraphName;
  nodeEnv: "development" | "production" | "test";
  host: string;
  port: number;
  /** PGlite directory, or null for an in-memory database (tests). Ignored when `databaseUrl` is set. */
  pgliteDir: string | null;
  /** postgres:// URL of this subgraph's own database; unset means embedded PGlite. */
  databaseUrl?: string;
  kafkaBrokers: string[];
  tokens: TokenSettings;
  /** Set: /graphql answers only requests carrying it, i.e. the gateway's (platform/auth/gateway-secret.ts). */
  gatewaySecret?: string;
  logLevel: string;
  prettyLogs: boolean;
  /** inventory: available units at or under this publish inventory.stock.low. */
  lowStockThreshold: number;
  /** accounts: the admin ensured at start. */
  admin: { email: string; password: string };
  /** accounts: lifetime of a refresh token. */
  refreshTokenTtlSeconds: number;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: where spans go over OTLP/HTTP; unset turns tracing off. */
  tracingEndpoint?: string;
  /** How often the consumer group's lag is sampled for /metrics. */
  consumerLagIntervalMs: number;
  /** How long the group waits for a silent member (a killed process) before handing its partitions on. */
  consumerSessionTimeoutMs: number;
  /** Distinct operation names /metrics labels before counting the rest as `other`. */
  metricsMaxOperationNames: number;
}

const envSchema = z.object({
  NODE_ENV: nodeEnvSchema,
  HOST: z.string().default("127.0.0.1"),
  GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_GATEWAY_PORT),
  DATA_DIR: z.string().default(".data"),
  DATABASE_URL: z.string().url().optional(),
  KAFKA_BROKERS: z.string().optional(),
  BROKER_PORT: z.coerce.number().int().min(1).max(65535).default(DEFAULT_BROKER_PORT),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_PRETTY: optionalBoolean(process.stdout.isTTY ?? false),
  LOW_STOCK_THRESHOLD: z.coerce.number().int().min(0).default(5),
  ADMIN_EMAIL: z.string().email().default("admin@tributary.dev"),
  ADMIN_PASSWORD: z.string().min(8, "ADMIN_PASSWORD needs at least 8 characters").default(DEV_ADMIN_PASSWORD),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(30 * 24 * 3600),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  CONSUMER_LAG_INTERVAL_MS: z.coerce.number().int().min(100).default(15_000),
  // kafkajs' default; heartbeats go every 3 s, so anything much shorter mistakes a busy event loop for a crash.
  CONSUMER_SESSION_TIMEOUT_MS: z.coerce.number().int().min(6_000).default(30_000),
  METRICS_MAX_OPERATION_NAMES: z.coerce.number().int().min(1).default(100),
  GATEWAY_SECRET: z.string().optional(),
});

/** postgres://host/ -> postgres://host/<database>, keeping credentials and options. */
export function databaseUrlFor(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function parseSubgraphConfig(name: SubgraphName, env: Env): SubgraphConfig {
  const e = envSchema.parse(env);
  if (e.NODE_ENV === "production" && e.ADMIN_PASSWORD === DEV_ADMIN_PASSWORD) {
    throw new Error(
      "Refusing to start: ADMIN_PASSWORD is the development default. Set ADMIN_PASSWORD (8+ characters).",
    );
  }
  const upper = name.toUpperCase();
  const ownUrl = env[`${upper}_DATABASE_URL`];
  const portOverride = env[`${upper}_PORT`];
  return {
    name,
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: portOverride
      ? z.coerce.number().int().parse(portOverride)
      : defaultSubgraphPort(name, e.GATEWAY_PORT),
    pgliteDir: resolve(join(e.DATA_DIR, name)),
    databaseUrl: ownUrl ?? (e.DATABASE_URL ? databaseUrlFor(e.DATABASE_URL, name) : undefined),
    kafkaBrokers: (e.KAFKA_BROKERS ?? `127.0.0.1:${e.BROKER_PORT}`)
      .split(",")
      .map((b) => b.trim())
      .filter(Boolean),
    tokens: parseTokenSettings(env, e.NODE_ENV),
    gatewaySecret: parseGatewaySecret(e.GATEWAY_SECRET, e.NODE_ENV),
    logLevel: e.LOG_LEVEL,
    prettyLogs: e.LOG_PRETTY,
    lowStockThreshold: e.LOW_STOCK_THRESHOLD,
    admin: { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD },
    refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL_SECONDS,
    tracingEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    consumerLagIntervalMs: e.CONSUMER_LAG_INTERVAL_MS,
    consumerSessionTimeoutMs: e.CONSUMER_SESSION_TIMEOUT_MS,
    metricsMaxOperationNames: e.METRICS_MAX_OPERATION_NAMES,
  };
}

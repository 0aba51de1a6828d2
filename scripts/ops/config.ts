// Settings of the operator scripts (doctor, health, topics): parsed once here from the environment.
import { resolve } from "node:path";
import { z } from "zod";
import type { Env } from "../../platform/config.ts";
import { DEFAULT_BROKER_PORT, DEFAULT_GATEWAY_PORT } from "../../platform/topology.ts";

export const opsEnvSchema = z.object({
  GATEWAY_PORT: z.coerce.number().int().min(1).max(65535).default(DEFAULT_GATEWAY_PORT),
  BROKER_PORT: z.coerce.number().int().min(1).max(65535).default(DEFAULT_BROKER_PORT),
  HOST: z.string().default("127.0.0.1"),
  DATA_DIR: z.string().default(".data"),
  DATABASE_URL: z.string().url().optional(),
  KAFKA_BROKERS: z.string().optional(),
  REDIS_URL: z.string().url().optional(),
});

export interface OpsConfig {
  gatewayPort: number;
  brokerPort: number;
  /** Where the services are reached from this machine. */
  host: string;
  dataDir: string;
  databaseUrl?: string;
  /** Set explicitly; unset means the embedded broker on `brokerPort`. */
  kafkaBrokers?: string[];
  redisUrl?: string;
  /** How long `npm run health` waits for each probe. */
  healthTimeoutMs: number;
}

export function parseOpsConfig(env: Env): OpsConfig {
  const e = opsEnvSchema.parse(env);
  return {
    gatewayPort: e.GATEWAY_PORT,
    brokerPort: e.BROKER_PORT,
    // A listen-everywhere address is not one to connect to.
    host: e.HOST === "0.0.0.0" ? "127.0.0.1" : e.HOST,
    dataDir: resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    kafkaBrokers: e.KAFKA_BROKERS?.split(",")
      .map((b) => b.trim())
      .filter(Boolean),
    redisUrl: e.REDIS_URL,
    healthTimeoutMs: 2000,
  };
}

/** The brokers to talk to: the configured ones, or the embedded broker's address. */
export function brokersOf(config: OpsConfig): string[] {
  return config.kafkaBrokers ?? [`${config.host}:${config.brokerPort}`];
}

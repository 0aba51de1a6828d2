// The gateway's configuration: parsed once from an env-like record at the entry point, then passed down typed.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { parseGatewaySecret } from "../platform/auth/gateway-secret.ts";
import type { TokenSettings } from "../platform/auth/tokens.ts";
import { DEV_JWT_SECRET } from "../platform/config.ts";
import { DEFAULT_BROKER_PORT, DEFAULT_GATEWAY_PORT, SUBGRAPH_NAMES } from "../platform/topology.ts";
import type { OperationLimits } from "./limits/plugin.ts";
import type { PersistedDocumentsSettings } from "./persisted/documents.ts";
import type { RateLimitSettings } from "./rate-limit/limiters.ts";

/** The development secret accounts also defaults to; it must never sign production tokens. */
export { DEV_JWT_SECRET };

const MIN_SECRET_LENGTH = 32;

export interface GatewayConfig {
  nodeEnv: "development" | "test" | "production";
  /** Sandbox landing page and introspection; off in production. */
  developerTools: boolean;
  /** INTROSPECTION / SANDBOX override `developerTools` one by one. */
  introspection: boolean;
  sandbox: boolean;
  limits: OperationLimits & { maxTokens: number };
  rateLimit: RateLimitSettings;
  host: string;
  port: number;
  logLevel: string;
  logPretty: boolean;
  supergraphPath: string;
  supergraphWatch: boolean;
  supergraphDebounceMs: number;
  /** Per-subgraph URL overrides of the supergraph's routing_url, e.g. for tests on random ports. */
  subgraphUrls: Record<string, string>;
  tokens: TokenSettings;
  /** Sent to every subgraph, which answers no one else when it has one too (platform/auth/gateway-secret.ts). */
  gatewaySecret?: string;
  /** Allowed CORS origins; `["*"]` allows any, `[]` sends no CORS headers. */
  corsOrigins: string[];
  maxBodyBytes: number;
  readyCacheMs: number;
  readyTimeoutMs: number;
  /** Set by `npm start`: /ready waits for its message that the demo data is seeded (gateway/seed-signal.ts). */
  readyAfterSeed: boolean;
  shutdownTimeoutMs: number;
  /**
   * Identical queries in flight at the same moment (same subgraph, same token, same body) share one
   * subgraph fetch, as Apollo Router's `deduplicate_query` and Hive Gateway do. Off: one fetch per request.
   */
  shareSubgraphFetches: boolean;
  subscriptions: SubscriptionConfig;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: where spans go over OTLP/HTTP; unset turns tracing off. */
  tracingEndpoint?: string;
  /** How often the gateway samples its own consumer group's lag for /metrics. */
  consumerLagIntervalMs: number;
  /** Distinct operation names /metrics labels before counting the rest as `other`. */
  metricsMaxOperationNames: number;
  /** Trusted documents: an Apollo persisted query manifest, and whether it is the only thing that runs. */
  persistedDocuments: PersistedDocumentsSettings;
  entityCache: EntityCacheConfig;
}

/** gateway/entity-cache: what subgraphs declare @cacheable, kept true by their events. */
export interface EntityCacheConfig {
  /** ENTITY_CACHE; it also needs the Kafka consumer (SUBSCRIPTIONS_ENABLED), whose events keep it true. */
  enabled: boolean;
  /** Bound of the in-process tier, estimated bytes of keys and answers. */
  maxBytes: number;
  /** REDIS_URL, when ENTITY_CACHE_REDIS allows it: the tier shared by every gateway instance. */
  redisUrl?: string;
  redisKeyPrefix: string;
}

export interface SubscriptionConfig {
  enabled: boolean;
  kafkaBrokers: string[];
  kafkaClientId: string;
  /** Unique per instance so that every gateway receives every event. */
  groupId: string;
  maxWaitTimeInMs: number;
  sessionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** How often missing @event topics are looked for again. */
  topicRefreshMs: number;
  /** Resolutions running at once before the consumer waits: back-pressure towards Kafka. */
  maxInFlight: number;
  /** Undelivered events one subscriber may lag behind before it is cut off. */
  maxQueuePerSubscriber: number;
  /** Most events one resume may replay; a cursor further behind is refused with REPLAY_TOO_LARGE. */
  maxReplayEvents: number;
  /** Event ids remembered per topic (and per resumed subscription) to drop re-sent copies. */
  dedupeWindow: number;
  wsKeepAliveMs: number;
}

const bool = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0", "yes", "no"])
    .optional()
    .transform((v) => (v === undefined ? fallback : ["true", "1", "yes"].includes(v)));
const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);
const list = (s: string) =>
  s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  GATEWAY_HOST: z.string().default("0.0.0.0"),
  GATEWAY_PORT: int(DEFAULT_GATEWAY_PORT).pipe(z.number().max(65535)),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  LOG_PRETTY: bool(false),
  SUPERGRAPH_PATH: z.string().min(1).default("schemas/supergraph.graphql"),
  SUPERGRAPH_WATCH: bool(true),
  SUPERGRAPH_DEBOUNCE_MS: int(200),
  SUBGRAPH_URLS: z.string().default(""),
  JWT_ALGORITHM: z.enum(["HS256", "RS256"]).default("HS256"),
  JWT_SECRET: z.string().optional(),
  JWT_PUBLIC_KEY: z.string().optional(),
  JWT_ISSUER: z.string().min(1).default("tributary"),
  JWT_AUDIENCE: z.string().min(1).default("tributary"),
  JWT_ACCESS_TTL_SECONDS: int(900, 1),
  JWT_CLOCK_TOLERANCE_SECONDS: int(5),
  GATEWAY_SECRET: z.string().optional(),
  CORS_ORIGINS: z.string().optional(),
  GATEWAY_MAX_BODY_BYTES: int(1024 * 1024, 1),
  READY_CACHE_MS: int(2000),
  READY_TIMEOUT_MS: int(1500, 1),
  // Set by `npm start` when it seeds: /ready answers 503 until the demo data is in.
  READY_AFTER_SEED: bool(false),
  SHUTDOWN_TIMEOUT_MS: int(4000, 1),
  SHARE_SUBGRAPH_FETCHES: bool(true),
  SUBSCRIPTIONS_ENABLED: bool(true),
  KAFKA_BROKERS: z.string().default(`localhost:${DEFAULT_BROKER_PORT}`),
  KAFKA_CLIENT_ID: z.string().default("tributary-gateway"),
  KAFKA_GROUP_ID: z.string().optional(),
  KAFKA_MAX_WAIT_MS: int(250, 1),
  KAFKA_SESSION_TIMEOUT_MS: int(10_000, 1),
  KAFKA_HEARTBEAT_INTERVAL_MS: int(3000, 1),
  KAFKA_TOPIC_REFRESH_MS: int(10_000, 1),
  SUBSCRIPTION_MAX_IN_FLIGHT: int(64, 1),
  SUBSCRIPTION_MAX_QUEUE: int(1000, 1),
  SUBSCRIPTION_MAX_REPLAY_EVENTS: int(2_000, 1),
  SUBSCRIPTION_DEDUPE_WINDOW: int(10_000, 1),
  WS_KEEPALIVE_MS: int(12_000),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  CONSUMER_LAG_INTERVAL_MS: int(15_000, 100),
  METRICS_MAX_OPERATION_NAMES: int(100, 1),
  INTROSPECTION: z.enum(["true", "false", "1", "0", "yes", "no"]).optional(),
  SANDBOX: z.enum(["true", "false", "1", "0", "yes", "no"]).optional(),
  MAX_DOCUMENT_BYTES: int(64 * 1024, 1),
  MAX_DOCUMENT_TOKENS: int(10_000, 1),
  MAX_DEPTH: int(15, 1),
  MAX_ALIASES: int(50),
  MAX_ROOT_FIELDS: int(30, 1),
  MAX_COST: int(50_000, 1),
  MAX_EXPANDED_FIELDS: int(2_000, 1),
  DEFAULT_LIST_SIZE: int(20, 1),
  RATE_LIMIT_ENABLED: bool(true),
  RATE_LIMIT_POINTS: int(3000, 1),
  RATE_LIMIT_DURATION_SECONDS: int(60, 1),
  RATE_LIMIT_BURST_POINTS: int(500),
  RATE_LIMIT_BURST_DURATION_SECONDS: int(10, 1),
  RATE_LIMIT_LOGIN_POINTS: int(20, 1),
  RATE_LIMIT_LOGIN_DURATION_SECONDS: int(600, 1),
  RATE_LIMIT_FAILED_LOGIN_POINTS: int(100, 1),
  RATE_LIMIT_FAILED_LOGIN_DURATION_SECONDS: int(3600, 1),
  RATE_LIMIT_KEY_PREFIX: z.string().min(1).default("tributary"),
  REDIS_URL: z.string().url().optional(),
  PERSISTED_DOCUMENTS: z.string().min(1).optional(),
  PERSISTED_DOCUMENTS_ONLY: bool(false),
  ENTITY_CACHE: bool(true),
  ENTITY_CACHE_MAX_BYTES: int(64 * 1024 * 1024, 1024),
  ENTITY_CACHE_REDIS: bool(true),
});

const flag = (value: string | undefined, fallback: boolean) =>
  value === undefined ? fallback : ["true", "1", "yes"].includes(value);

/** `accounts=http://...,catalog=http://...` plus `ACCOUNTS_URL`-style variables; the specific variable wins. */
function subgraphUrls(env: Record<string, string | undefined>, listed: string): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const pair of list(listed)) {
    const at = pair.indexOf("=");
    const name = pair.slice(0, at).trim();
    const url = pair.slice(at + 1).trim();
    if (at <= 0 || !URL.canParse(url)) throw new Error(`SUBGRAPH_URLS entry "${pair}" is not name=url`);
    urls[name] = url;
  }
  for (const name of SUBGRAPH_NAMES) {
    const url = env[`${name.toUpperCase()}_URL`];
    if (!url) continue;
    if (!URL.canParse(url)) throw new Error(`${name.toUpperCase()}_URL "${url}" is not a URL`);
    urls[name] = url;
  }
  return urls;
}

function tokenSettings(env: z.infer<typeof envSchema>): TokenSettings {
  const production = env.NODE_ENV === "production";
  if (env.JWT_ALGORITHM === "RS256") {
    if (!env.JWT_PUBLIC_KEY)
      throw new Error("JWT_ALGORITHM=RS256 needs JWT_PUBLIC_KEY (PEM) to verify tokens");
  } else if (production && (!env.JWT_SECRET || env.JWT_SECRET === DEV_JWT_SECRET)) {
    throw new Error(
      "JWT_SECRET must be set in production: the development default is public, anyone could sign tokens",
    );
  } else if (production && (env.JWT_SECRET?.length ?? 0) < MIN_SECRET_LENGTH) {
    throw new Error(
      `JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters in production: short secrets can be brute-forced`,
    );
  }
  return {
    algorithm: env.JWT_ALGORITHM,
    secret: env.JWT_SECRET ?? DEV_JWT_SECRET,
    publicKey: env.JWT_PUBLIC_KEY?.replace(/\\n/g, "\n"),
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    accessTokenTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
    clockToleranceSeconds: env.JWT_CLOCK_TOLERANCE_SECONDS,
  };
}

/** Throws an Error naming every bad variable; the entry point prints it and exits. */
export function parseConfig(source: Record<string, string | undefined>): GatewayConfig {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid gateway configuration: ${problems.join("; ")}`);
  }
  const env = parsed.data;
  const production = env.NODE_ENV === "production";
  return {
    nodeEnv: env.NODE_ENV,
    developerTools: !production,
    introspection: flag(env.INTROSPECTION, !production),
    sandbox: flag(env.SANDBOX, !production),
    limits: {
      maxDocumentBytes: env.MAX_DOCUMENT_BYTES,
      maxTokens: env.MAX_DOCUMENT_TOKENS,
      maxDepth: env.MAX_DEPTH,
      maxAliases: env.MAX_ALIASES,
      maxRootFields: env.MAX_ROOT_FIELDS,
      maxCost: env.MAX_COST,
      maxExpandedFields: env.MAX_EXPANDED_FIELDS,
      defaultListSize: env.DEFAULT_LIST_SIZE,
    },
    rateLimit: {
      enabled: env.RATE_LIMIT_ENABLED,
      points: env.RATE_LIMIT_POINTS,
      durationSeconds: env.RATE_LIMIT_DURATION_SECONDS,
      burstPoints: env.RATE_LIMIT_BURST_POINTS,
      burstDurationSeconds: env.RATE_LIMIT_BURST_DURATION_SECONDS,
      loginPoints: env.RATE_LIMIT_LOGIN_POINTS,
      loginDurationSeconds: env.RATE_LIMIT_LOGIN_DURATION_SECONDS,
      failedLoginPoints: env.RATE_LIMIT_FAILED_LOGIN_POINTS,
      failedLoginDurationSeconds: env.RATE_LIMIT_FAILED_LOGIN_DURATION_SECONDS,
      keyPrefix: env.RATE_LIMIT_KEY_PREFIX,
      redisUrl: env.REDIS_URL,
    },
    host: env.GATEWAY_HOST,
    port: env.GATEWAY_PORT,
    logLevel: env.LOG_LEVEL,
    logPretty: env.LOG_PRETTY,
    supergraphPath: env.SUPERGRAPH_PATH,
    supergraphWatch: env.SUPERGRAPH_WATCH,
    supergraphDebounceMs: env.SUPERGRAPH_DEBOUNCE_MS,
    subgraphUrls: subgraphUrls(source, env.SUBGRAPH_URLS),
    tokens: tokenSettings(env),
    gatewaySecret: parseGatewaySecret(env.GATEWAY_SECRET, env.NODE_ENV),
    corsOrigins: list(env.CORS_ORIGINS ?? (production ? "" : "*")),
    maxBodyBytes: env.GATEWAY_MAX_BODY_BYTES,
    readyCacheMs: env.READY_CACHE_MS,
    readyTimeoutMs: env.READY_TIMEOUT_MS,
    readyAfterSeed: env.READY_AFTER_SEED,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    shareSubgraphFetches: env.SHARE_SUBGRAPH_FETCHES,
    tracingEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    consumerLagIntervalMs: env.CONSUMER_LAG_INTERVAL_MS,
    metricsMaxOperationNames: env.METRICS_MAX_OPERATION_NAMES,
    persistedDocuments: { path: env.PERSISTED_DOCUMENTS, only: env.PERSISTED_DOCUMENTS_ONLY },
    entityCache: {
      enabled: env.ENTITY_CACHE && env.SUBSCRIPTIONS_ENABLED,
      maxBytes: env.ENTITY_CACHE_MAX_BYTES,
      redisUrl: env.ENTITY_CACHE_REDIS ? env.REDIS_URL : undefined,
      redisKeyPrefix: env.RATE_LIMIT_KEY_PREFIX,
    },
    subscriptions: {
      enabled: env.SUBSCRIPTIONS_ENABLED,
      kafkaBrokers: list(env.KAFKA_BROKERS),
      kafkaClientId: env.KAFKA_CLIENT_ID,
      groupId: env.KAFKA_GROUP_ID ?? `tributary-gateway-${randomUUID()}`,
      maxWaitTimeInMs: env.KAFKA_MAX_WAIT_MS,
      sessionTimeoutMs: env.KAFKA_SESSION_TIMEOUT_MS,
      heartbeatIntervalMs: env.KAFKA_HEARTBEAT_INTERVAL_MS,
      topicRefreshMs: env.KAFKA_TOPIC_REFRESH_MS,
      maxInFlight: env.SUBSCRIPTION_MAX_IN_FLIGHT,
      maxQueuePerSubscriber: env.SUBSCRIPTION_MAX_QUEUE,
      maxReplayEvents: env.SUBSCRIPTION_MAX_REPLAY_EVENTS,
      dedupeWindow: env.SUBSCRIPTION_DEDUPE_WINDOW,
      wsKeepAliveMs: env.WS_KEEPALIVE_MS,
    },
  };
}

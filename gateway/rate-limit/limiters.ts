// Builds the gateway's rate limiters: in memory, or in Redis (shared by every gateway) with a memory fallback.
import { Redis } from "ioredis";
import {
  BurstyRateLimiter,
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
} from "rate-limiter-flexible";

export interface RateLimitSettings {
  enabled: boolean;
  /** Requests per window a caller may make, sustained. */
  points: number;
  durationSeconds: number;
  /** Extra requests allowed in a short burst on top of the sustained rate. */
  burstPoints: number;
  burstDurationSeconds: number;
  /** `login` attempts per email and IP per window, against password guessing. */
  loginPoints: number;
  loginDurationSeconds: number;
  /** Failed `login` attempts per IP per window, whatever the emails: against spraying one password. */
  failedLoginPoints: number;
  failedLoginDurationSeconds: number;
  /** Keeps budgets apart when several deployments (or test files) share one Redis. */
  keyPrefix: string;
  redisUrl?: string;
}

export interface Limiters {
  general: BurstyRateLimiter;
  login: RateLimiterAbstract;
  /** Reserved per attempt before it runs and given back when it succeeds: failures are what stays spent. */
  failedLogin: RateLimiterAbstract;
  /**
   * Resolves true once Redis answers, false at once if it cannot be reached or after `timeoutMs`.
   * Until Redis is ready each gateway counts in its own memory, so a shared budget starts only then.
   */
  connected(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

interface Window {
  points: number;
  duration: number;
  keyPrefix: string;
}

export function createLimiters(settings: RateLimitSettings): Limiters {
  const redis = settings.redisUrl
    ? // No offline queue: while Redis is down, calls fail at once and the insurance limiter answers.
      new Redis(settings.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
    : undefined;
  // An unhandled 'error' event would crash the process; the insurance limiter covers the outage.
  redis?.on("error", () => {});
  const make = (window: Window): RateLimiterAbstract => {
    const memory = new RateLimiterMemory(window);
    if (!redis) return memory;
    return new RateLimiterRedis({ ...window, storeClient: redis, insuranceLimiter: memory });
  };
  const prefix = settings.keyPrefix;
  return {
    general: new BurstyRateLimiter(
      make({ points: settings.points, duration: settings.durationSeconds, keyPrefix: `${prefix}:rate` }),
      make({
        points: settings.burstPoints,
        duration: settings.burstDurationSeconds,
        keyPrefix: `${prefix}:burst`,
      }),
    ),
    login: make({
      points: settings.loginPoints,
      duration: settings.loginDurationSeconds,
      keyPrefix: `${prefix}:login`,
    }),
    failedLogin: make({
      points: settings.failedLoginPoints,
      duration: settings.failedLoginDurationSeconds,
      keyPrefix: `${prefix}:login-failed`,
    }),
    connected: (timeoutMs) => (redis ? redisReady(redis, timeoutMs) : Promise.resolve(false)),
    async close() {
      if (redis) await redis.quit().catch(() => redis.disconnect());
    },
  };
}

function redisReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === "ready") return Promise.resolve(true);
  return new Promise((resolve) => {
    const settle = (ready: boolean) => {
      clearTimeout(timer);
      redis.off("ready", onReady).off("error", onError);
      resolve(ready);
    };
    const onReady = () => settle(true);
    const onError = () => settle(false);
    const timer = setTimeout(onError, timeoutMs);
    redis.once("ready", onReady).once("error", onError);
  });
}

// The shared tier: entries in Redis for every gateway instance, each entity's keys in a set so that one event
// drops them all. Every call may fail (Redis down, slow, restarting): callers get a miss, never an error.
import { Redis } from "ioredis";
import type { Logger } from "../../platform/logger.ts";

export interface SharedEntry {
  value: string;
  tags: string[];
  fetchedAt: number;
  expiresAt: number;
}

export interface RedisTierOptions {
  url: string;
  prefix: string;
  logger: Logger;
  /** How long an entity's key set lives: the longest max age declared. */
  tagTtlMs: number;
  /** A slow Redis answers as a miss after this long. */
  commandTimeoutMs?: number;
}

// SMEMBERS then DEL in one step, so no key added in between escapes the drop.
const DROP_TAG = `local keys = redis.call('SMEMBERS', KEYS[1])
for i = 1, #keys do redis.call('DEL', keys[i]) end
redis.call('DEL', KEYS[1])
return #keys`;

export class RedisTier {
  private readonly redis: Redis;
  /**
   * False until the tier is known to hold nothing stale: at start and after an outage (drops it missed), every
   * entry is purged before it is read again.
   */
  private usable = false;
  private purging: Promise<void> | undefined;

  constructor(private readonly options: RedisTierOptions) {
    // No offline queue: while Redis is down, calls fail at once and the local tier answers alone.
    this.redis = new Redis(options.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: options.commandTimeoutMs ?? 250,
    });
    this.redis.on("error", () => this.lost());
    this.redis.on("close", () => this.lost());
    this.redis.on("ready", () => this.purge());
  }

  get ready(): boolean {
    return this.usable;
  }

  private entryKey(key: string) {
    return `${this.options.prefix}:entity-cache:e:${key}`;
  }

  private tagKey(tag: string) {
    return `${this.options.prefix}:entity-cache:t:${tag}`;
  }

  private lost(): void {
    if (this.usable) this.options.logger.warn("entity cache: Redis unreachable; serving from the local tier");
    this.usable = false;
  }

  private purge(): void {
    if (this.purging) return;
    const pattern = `${this.options.prefix}:entity-cache:*`;
    this.purging = new Promise<void>((resolve, reject) => {
      const stream = this.redis.scanStream({ match: pattern, count: 500 });
      const pending: Promise<unknown>[] = [];
      stream.on("data", (keys: string[]) => {
        if (keys.length) pending.push(this.redis.unlink(...keys));
      });
      stream.on("error", reject);
      stream.on("end", () => Promise.all(pending).then(() => resolve(), reject));
    })
      .then(() => {
        this.usable = true;
        this.options.logger.info("entity cache: Redis tier ready");
      })
      .catch(() => this.lost())
      .finally(() => {
        this.purging = undefined;
      });
  }

  async getMany(keys: readonly string[]): Promise<(SharedEntry | undefined)[]> {
    if (!this.usable || keys.length === 0) return keys.map(() => undefined);
    try {
      const values = await this.redis.mget(...keys.map((k) => this.entryKey(k)));
      return values.map((raw) => (raw === null ? undefined : (JSON.parse(raw) as SharedEntry)));
    } catch {
      return keys.map(() => undefined);
    }
  }

  set(key: string, entry: SharedEntry, ttlMs: number): void {
    if (!this.usable) return;
    const entryKey = this.entryKey(key);
    const multi = this.redis.multi().set(entryKey, JSON.stringify(entry), "PX", ttlMs);
    for (const tag of entry.tags) {
      multi.sadd(this.tagKey(tag), entryKey).pexpire(this.tagKey(tag), this.options.tagTtlMs);
    }
    multi.exec().catch(() => {});
  }

  async delete(key: string): Promise<void> {
    if (!this.usable) return;
    await this.redis.del(this.entryKey(key)).catch(() => {});
  }

  /** Drops every entry of these entities; a drop Redis misses makes the tier unusable until it is purged. */
  async drop(tags: readonly string[]): Promise<void> {
    if (this.redis.status !== "ready") {
      this.lost();
      return;
    }
    try {
      await Promise.all(tags.map((tag) => this.redis.eval(DROP_TAG, 1, this.tagKey(tag))));
    } catch {
      this.lost();
      // Reconnected meanwhile, or only this call failed: purge before the tier is read again.
      if (this.redis.status === "ready") this.purge();
    }
  }

  async close(): Promise<void> {
    this.usable = false;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

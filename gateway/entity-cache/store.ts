// Both tiers behind one interface: read local then Redis, write both, drop from both. An entry fetched before
// its entity's last invalidation is never stored and never served, whichever tier holds it.
import { entityCacheBytes, entityCacheEntries, entityCacheEvictions } from "../../platform/metrics/index.ts";
import { ByteLru } from "./lru.ts";
import { RecentDrops } from "./recent-drops.ts";
import type { RedisTier } from "./redis-tier.ts";

export interface StoredAnswer {
  key: string;
  value: string;
  tags: readonly string[];
  maxAgeSeconds: number;
  /** When the fetch that produced it started (Date.now()). */
  fetchedAt: number;
}

export interface EntityStoreOptions {
  maxBytes: number;
  redis?: RedisTier;
}

export class EntityStore {
  private readonly local: ByteLru;
  private readonly recent = new RecentDrops();
  private shownEntries = 0;
  private shownBytes = 0;

  constructor(private readonly options: EntityStoreOptions) {
    this.local = new ByteLru({ maxBytes: options.maxBytes, onEvict: () => entityCacheEvictions.inc() });
  }

  /** The cached JSON for each key, or undefined for a miss. */
  async getMany(keys: readonly string[]): Promise<(string | undefined)[]> {
    const now = Date.now();
    const found: (string | undefined)[] = keys.map((key) => this.local.get(key, now)?.value);
    const missing = keys.flatMap((_, i) => (found[i] === undefined ? [i] : []));
    const redis = this.options.redis;
    if (missing.length && redis?.ready) {
      const shared = await redis.getMany(missing.map((i) => keys[i]!));
      shared.forEach((entry, j) => {
        const i = missing[j]!;
        if (!entry) return;
        // Stored by a gateway that had not yet consumed an event this one has: stale.
        if (this.recent.staleSince(entry.tags, entry.fetchedAt)) return;
        found[i] = entry.value;
        this.local.set(keys[i]!, entry);
      });
    }
    this.show();
    return found;
  }

  set(answer: StoredAnswer): void {
    if (this.recent.staleSince(answer.tags, answer.fetchedAt)) return;
    const ttlMs = answer.maxAgeSeconds * 1000;
    const entry = {
      value: answer.value,
      tags: [...answer.tags],
      fetchedAt: answer.fetchedAt,
      expiresAt: answer.fetchedAt + ttlMs,
    };
    this.local.set(answer.key, entry);
    this.options.redis?.set(answer.key, entry, ttlMs);
    this.show();
  }

  /** Drops every entry of these entities from both tiers; the local tier at once, Redis when it answers. */
  async drop(tags: readonly string[]): Promise<number> {
    const now = Date.now();
    let dropped = 0;
    for (const tag of tags) {
      this.recent.record(tag, now);
      dropped += this.local.dropTag(tag);
    }
    this.show();
    await this.options.redis?.drop(tags);
    return dropped;
  }

  /** Forgets the local tier (the events that keep it true stopped arriving). */
  clear(): void {
    this.local.clear();
    this.show();
  }

  get entries(): number {
    return this.local.size;
  }

  get bytes(): number {
    return this.local.bytes;
  }

  /** Moves the process-wide gauges by this store's change, so several gateways in one process add up. */
  private show(): void {
    entityCacheEntries.inc(this.local.size - this.shownEntries);
    entityCacheBytes.inc(this.local.bytes - this.shownBytes);
    this.shownEntries = this.local.size;
    this.shownBytes = this.local.bytes;
  }

  async close(): Promise<void> {
    this.clear();
    await this.options.redis?.close();
  }
}

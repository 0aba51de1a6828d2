// When each entity was last invalidated, for a while: an answer fetched before that moment is stale, whether it
// is about to be stored (a fetch that raced the event) or was stored in Redis by a gateway that has not yet
// consumed the event.

/** Longer than any subgraph fetch and any gateway's consumer lag; older drops are forgotten. */
export const RECENT_DROP_WINDOW_MS = 60_000;

export class RecentDrops {
  private readonly at = new Map<string, number>();
  private sweptAt = 0;

  constructor(private readonly windowMs = RECENT_DROP_WINDOW_MS) {}

  record(tag: string, now: number): void {
    this.at.delete(tag);
    this.at.set(tag, now);
    this.sweep(now);
  }

  /** True when one of `tags` was invalidated at or after `fetchedAt` (same millisecond counts: it may be later). */
  staleSince(tags: readonly string[], fetchedAt: number): boolean {
    for (const tag of tags) {
      const dropped = this.at.get(tag);
      if (dropped !== undefined && dropped >= fetchedAt) return true;
    }
    return false;
  }

  /** Insertion order is drop order (record re-inserts), so the old ones are at the front. */
  private sweep(now: number): void {
    if (now - this.sweptAt < 1_000) return;
    this.sweptAt = now;
    for (const [tag, dropped] of this.at) {
      if (now - dropped < this.windowMs) break;
      this.at.delete(tag);
    }
  }
}

// The local tier: entries in recency order, bounded by an estimate of the bytes they hold, each tagged with the
// entities (`Product:42`) whose change must drop it.

export interface LocalEntry {
  /** The cached answer as JSON text: copied on every hit by parsing, and measurable. */
  readonly value: string;
  readonly tags: readonly string[];
  readonly expiresAt: number;
  /** When the subgraph fetch that produced it started: an invalidation seen after that makes it stale. */
  readonly fetchedAt: number;
  readonly bytes: number;
}

/**
 * V8 keeps ASCII strings at one byte a character; the rest is the Map slot, the entry object, the tag array and
 * the tag index's Set: measured on Node 20 by filling a 64 MiB cache and reading the heap's growth
 * (docs/operations.md), so the bound holds for the heap and not just for the text.
 */
const ENTRY_OVERHEAD_BYTES = 900;
const TAG_OVERHEAD_BYTES = 64;

export function entryBytes(key: string, value: string, tags: readonly string[]): number {
  let bytes = ENTRY_OVERHEAD_BYTES + key.length + value.length;
  for (const tag of tags) bytes += tag.length + TAG_OVERHEAD_BYTES;
  return bytes;
}

export interface ByteLruOptions {
  maxBytes: number;
  /** Called for each entry pushed out to make room (not for drops, expiries or replacements). */
  onEvict?: (key: string) => void;
}

export class ByteLru {
  private readonly entries = new Map<string, LocalEntry>();
  private readonly byTag = new Map<string, Set<string>>();
  private used = 0;

  constructor(private readonly options: ByteLruOptions) {}

  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The live entry under `key`, now the most recently used; an expired one is removed and not returned. */
  get(key: string, now = Date.now()): LocalEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /** Stores an entry, evicting the least recently used until it fits; one larger than the bound is not kept. */
  set(key: string, entry: Omit<LocalEntry, "bytes">): boolean {
    const bytes = entryBytes(key, entry.value, entry.tags);
    this.delete(key);
    if (bytes > this.options.maxBytes) return false;
    while (this.used + bytes > this.options.maxBytes) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
      this.options.onEvict?.(oldest);
    }
    this.entries.set(key, { ...entry, bytes });
    this.used += bytes;
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag);
      if (keys) keys.add(key);
      else this.byTag.set(tag, new Set([key]));
    }
    return true;
  }

  delete(key: string): boolean {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    this.used -= entry.bytes;
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(tag);
    }
    return true;
  }

  /** Drops every entry tagged `tag`; returns how many. */
  dropTag(tag: string): number {
    const keys = this.byTag.get(tag);
    if (!keys) return 0;
    let dropped = 0;
    for (const key of [...keys]) if (this.delete(key)) dropped++;
    return dropped;
  }

  clear(): void {
    this.entries.clear();
    this.byTag.clear();
    this.used = 0;
  }
}

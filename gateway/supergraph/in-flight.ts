// Coalesces identical concurrent work: a caller asking for a key that is already in flight shares that promise.
// Nothing is kept once it settles, so this never answers from the past: it is not a cache.

/** One piece of work in flight and how many callers wait on it. */
export interface Sharing<T> {
  readonly result: Promise<T>;
  /** Callers that asked for it so far, the first one included; final once `result` has settled. */
  readonly callers: number;
}

export class InFlight<T> {
  private readonly running = new Map<string, { result: Promise<T>; callers: number }>();

  /** Starts `start` unless `key` is in flight, and says how many callers joined (each copies the result). */
  join(key: string, start: () => Promise<T>): Sharing<T> {
    const existing = this.running.get(key);
    if (existing) {
      existing.callers++;
      return existing;
    }
    const sharing = { result: start().finally(() => this.running.delete(key)), callers: 1 };
    this.running.set(key, sharing);
    return sharing;
  }

  /** Keys in flight right now. */
  get size(): number {
    return this.running.size;
  }
}

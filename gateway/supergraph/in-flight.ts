// Coalesces identical concurrent work: a caller asking for a key that is already in flight shares that promise.
// Nothing is kept once it settles, so this never answers from the past: it is not a cache.
export class InFlight<T> {
  private readonly running = new Map<string, Promise<T>>();

  share(key: string, start: () => Promise<T>): Promise<T> {
    const existing = this.running.get(key);
    if (existing) return existing;
    const started = start().finally(() => this.running.delete(key));
    this.running.set(key, started);
    return started;
  }

  /** Keys in flight right now. */
  get size(): number {
    return this.running.size;
  }
}

// Event ids seen lately and where each first appeared: a re-sent event (same CloudEvents id, a later offset)
// is recognised and dropped, within a bounded window.

/** Where a record sits in Kafka, `partition:offset`: the same record read twice is not a duplicate. */
export function placeOf(partition: number, offset: string | bigint): string {
  return `${partition}:${offset}`;
}

export class RecentIds {
  /** id -> place of its first copy; Map keeps insertion order, so the oldest is evicted first. */
  private readonly firstSeen = new Map<string, string>();

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new Error("RecentIds needs a capacity of at least 1");
  }

  /**
   * Notes a copy of `id` at `place`; false when another copy, at another place, was noted first (a
   * duplicate to drop). Reading the same record again (same place) stays true.
   */
  admit(id: string, place: string): boolean {
    const first = this.firstSeen.get(id);
    if (first !== undefined) return first === place;
    this.firstSeen.set(id, place);
    if (this.firstSeen.size > this.capacity) {
      const oldest = this.firstSeen.keys().next().value as string;
      this.firstSeen.delete(oldest);
    }
    return true;
  }

  /** Whether another copy of `id` was noted at another place, without noting this one. */
  isDuplicate(id: string, place: string): boolean {
    const first = this.firstSeen.get(id);
    return first !== undefined && first !== place;
  }

  get size(): number {
    return this.firstSeen.size;
  }
}

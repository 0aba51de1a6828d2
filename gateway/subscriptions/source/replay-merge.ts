// Puts a replay's partitions back into publish order: Kafka orders events within a partition only, so a
// k-way merge by event time (ties by partition, then offset) interleaves them as they were written.

export interface TimedRecord {
  partition: number;
  offset: bigint;
  /** The event's time (CloudEvents `ce_time`) in ms since the epoch. */
  time: number;
}

function before(a: TimedRecord, b: TimedRecord): boolean {
  if (a.time !== b.time) return a.time < b.time;
  if (a.partition !== b.partition) return a.partition < b.partition;
  return a.offset < b.offset;
}

/**
 * Merges per-partition lists (each in offset order) into one list: every partition's own order is kept
 * whatever the clocks say, and across partitions the earlier event comes first.
 */
export function mergeByTime<R extends TimedRecord>(partitions: readonly (readonly R[])[]): R[] {
  const heads = partitions.map(() => 0);
  const total = partitions.reduce((sum, list) => sum + list.length, 0);
  const merged: R[] = [];
  // Few partitions (3 by default): a scan of the heads beats a heap.
  while (merged.length < total) {
    let pick = -1;
    for (let i = 0; i < partitions.length; i++) {
      const head = partitions[i]![heads[i]!];
      if (head === undefined) continue;
      if (pick === -1 || before(head, partitions[pick]![heads[pick]!]!)) pick = i;
    }
    merged.push(partitions[pick]![heads[pick]!]!);
    heads[pick]!++;
  }
  return merged;
}

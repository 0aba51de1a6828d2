// Stale reads in the mixed run. Writes bump one product's stock to a higher value each time, so the stock a
// read returns is the version it saw. A read is stale when it started after a newer version was already
// known, in two senses:
// - after the gateway had consumed that version's event: the bench's own subscription to `stockChanged`
//   through the same gateway had delivered it (the delivery comes after the consumption, so this counts
//   the stale reads a cache the events keep true must never serve, and misses none that it counts);
// - after the write of that version was acknowledged (what a client comparing with its own writes sees).

export interface VersionSeen {
  product: number;
  version: number;
  /** performance.now() in the process that recorded it. */
  at: number;
}

export interface ReadSeen extends VersionSeen {
  /** When the read was sent; `at` is when its answer arrived. */
  startedAt: number;
}

export interface Staleness {
  /** Reads of products that were written during the run: the ones that could be stale. */
  readsOfWritten: number;
  afterConsumed: number;
  afterAck: number;
}

/** Per product, (time, highest version known by then), in time order. */
function knownVersions(seen: VersionSeen[]): Map<number, { at: number[]; max: number[] }> {
  const byProduct = new Map<number, { at: number[]; max: number[] }>();
  for (const s of [...seen].sort((a, b) => a.at - b.at)) {
    const line = byProduct.get(s.product) ?? { at: [], max: [] };
    line.at.push(s.at);
    line.max.push(Math.max(s.version, line.max.at(-1) ?? Number.NEGATIVE_INFINITY));
    byProduct.set(s.product, line);
  }
  return byProduct;
}

/** The highest version known strictly before `time`, or -Infinity. */
function highestBefore(line: { at: number[]; max: number[] } | undefined, time: number): number {
  if (!line) return Number.NEGATIVE_INFINITY;
  let low = 0;
  let high = line.at.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (line.at[mid]! < time) low = mid + 1;
    else high = mid;
  }
  return low === 0 ? Number.NEGATIVE_INFINITY : line.max[low - 1]!;
}

export function countStaleReads(
  reads: ReadSeen[],
  acks: VersionSeen[],
  deliveries: VersionSeen[],
): Staleness {
  const acked = knownVersions(acks);
  const consumed = knownVersions(deliveries);
  let readsOfWritten = 0;
  let afterConsumed = 0;
  let afterAck = 0;
  for (const read of reads) {
    if (!acked.has(read.product)) continue;
    readsOfWritten++;
    if (highestBefore(consumed.get(read.product), read.startedAt) > read.version) afterConsumed++;
    if (highestBefore(acked.get(read.product), read.startedAt) > read.version) afterAck++;
  }
  return { readsOfWritten, afterConsumed, afterAck };
}

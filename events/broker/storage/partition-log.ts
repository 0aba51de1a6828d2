// One partition's append-only log: segment files of raw RecordBatch v2 bytes plus an in-memory
// batch index, with the newest batches kept in memory so tailing consumers never touch the disk.
// Appends reach the file asynchronously (AppendQueue). A batch is readable once it is in the file
// (its high watermark): a broker killed before a write lands loses that batch, and its producer,
// never acknowledged, sends it again at a new offset; had a consumer already read the lost one, its
// position would be past the offsets the resent records take, and it would never see them.

import fs from "node:fs";
import { type BatchInfo, setBaseOffset } from "../records/batch.ts";
import { AppendQueue } from "./append-queue.ts";
import type { Flusher } from "./flusher.ts";
import { type Entry, openSegment, type Segment, scanSegments } from "./segment.ts";

export interface PartitionLogOptions {
  segmentBytes: number;
  cacheBytes: number;
  retentionBytes: number | undefined;
  flusher: Flusher;
  onTruncate: (file: string, validBytes: number) => void;
  /** Called when the high watermark moves: new records are readable. */
  onReadable?: (log: PartitionLog) => void;
}

export class OffsetOutOfRange extends Error {}

export interface ReadResult {
  chunks: Buffer[];
  size: number;
  records: number;
}

export class PartitionLog {
  private segments: Segment[];
  private entries: Entry[];
  private cachedBytes = 0;
  /** Index of the oldest entry still holding its bytes in memory. */
  private cacheFrom: number;
  nextOffset: number;
  /** Index of the first entry whose write has not landed: it and every later one are unreadable. */
  private unreadableFrom: number;
  closed = false;

  constructor(
    readonly dir: string,
    private readonly opts: PartitionLogOptions,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    const scanned = scanSegments(dir, opts.onTruncate);
    this.segments = scanned.segments;
    this.entries = scanned.entries;
    this.nextOffset = scanned.nextOffset;
    this.cacheFrom = this.entries.length;
    this.unreadableFrom = this.entries.length;
    if (this.segments.length === 0) this.segments.push(openSegment(dir, this.nextOffset));
  }

  /** Offsets below this are in their segment file: all a reader may see. */
  get highWatermark(): number {
    return this.entries[this.unreadableFrom]?.base ?? this.nextOffset;
  }

  get logStartOffset(): number {
    return this.entries[0]?.base ?? this.nextOffset;
  }

  get sizeBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.size, 0);
  }

  /**
   * Assigns offsets and queues the batches for writing; returns the first base offset. The batches
   * become readable when their write lands; throws if an earlier write to this log failed.
   */
  append(batches: BatchInfo[], now = Date.now()): number {
    const first = this.nextOffset;
    for (const b of batches) {
      let seg = this.segments[this.segments.length - 1]!;
      if (seg.size > 0 && seg.size + b.data.length > this.opts.segmentBytes) {
        seg = this.roll();
        // A roll is when an old segment may become deletable; the timer only needs to handle age.
        if (this.opts.retentionBytes !== undefined) this.enforceRetention(now, this.opts.retentionBytes);
      }
      setBaseOffset(b.data, this.nextOffset);
      const pos = this.appendQueue(seg).append(b.data);
      const last = this.nextOffset + b.lastOffsetDelta;
      this.entries.push({
        base: this.nextOffset,
        last,
        seg,
        pos,
        size: b.data.length,
        maxTimestamp: b.maxTimestamp,
        data: b.data,
      });
      seg.size += b.data.length;
      seg.lastAppendMs = now;
      this.cachedBytes += b.data.length;
      this.nextOffset = last + 1;
    }
    this.evictCache();
    return first;
  }

  /**
   * Resolves once every batch appended so far is in its segment file (the page cache; fsync is the
   * Flusher's job), rejects if one of those writes failed.
   */
  async written(): Promise<void> {
    for (const s of this.segments) if (s.appends) await s.appends.written();
  }

  /**
   * Whole batches from the one holding `offset` while they fit in `maxBytes`; the first batch
   * only has to fit in `firstMax`, so a batch larger than the partition limit still gets through.
   */
  read(offset: number, maxBytes: number, firstMax = Number.POSITIVE_INFINITY): ReadResult {
    if (offset < this.logStartOffset || offset > this.nextOffset) throw new OffsetOutOfRange();
    const chunks: Buffer[] = [];
    let size = 0;
    let records = 0;
    let i = this.findEntry(offset);
    const fits = (n: Entry, total: number) => (total === 0 ? n.size <= firstMax : total + n.size <= maxBytes);
    while (i < this.unreadableFrom) {
      const e = this.entries[i]!;
      if (!fits(e, size)) break;
      if (e.data) {
        chunks.push(e.data);
        size += e.size;
        records += e.last - e.base + 1;
        i++;
        continue;
      }
      // Coalesce a run of uncached batches in one segment into a single read.
      let end = i;
      let runSize = 0;
      while (end < this.unreadableFrom) {
        const n = this.entries[end]!;
        if (n.data || n.seg !== e.seg || !fits(n, size + runSize)) break;
        runSize += n.size;
        records += n.last - n.base + 1;
        end++;
      }
      const buf = Buffer.allocUnsafe(runSize);
      fs.readSync(e.seg.fd, buf, 0, runSize, e.pos);
      chunks.push(buf);
      size += runSize;
      i = end;
    }
    return { chunks, size, records };
  }

  /** First offset whose batch has maxTimestamp >= ts, or undefined. */
  offsetForTimestamp(ts: number): number | undefined {
    for (let i = 0; i < this.unreadableFrom; i++) {
      const e = this.entries[i]!;
      if (e.maxTimestamp >= ts) return e.base;
    }
    return undefined;
  }

  /** Deletes whole old segments beyond the size or age limit; the active segment rolls first if stale. */
  enforceRetention(now: number, retentionBytes?: number, retentionMs?: number): void {
    const active = this.segments[this.segments.length - 1]!;
    if (retentionMs !== undefined && active.size > 0 && now - active.lastAppendMs > retentionMs) this.roll();
    while (this.segments.length > 1) {
      const oldest = this.segments[0]!;
      // Just rolled and still being written: its file descriptor must stay open until that lands.
      if (oldest.appends && !oldest.appends.idle) break;
      const tooBig = retentionBytes !== undefined && this.sizeBytes > retentionBytes;
      const tooOld = retentionMs !== undefined && now - oldest.lastAppendMs > retentionMs;
      if (!tooBig && !tooOld) break;
      this.segments.shift();
      let n = 0;
      while (n < this.entries.length && this.entries[n]!.seg === oldest) {
        if (this.entries[n]!.data) this.cachedBytes -= this.entries[n]!.size;
        n++;
      }
      this.entries.splice(0, n);
      this.cacheFrom = Math.max(0, this.cacheFrom - n);
      this.unreadableFrom = Math.max(0, this.unreadableFrom - n);
      this.opts.flusher.closeFd(oldest.fd);
      fs.rmSync(oldest.path, { force: true });
    }
  }

  /** Closes the segment files; writes still queued are dropped (the topic is going away or the broker stops after draining). */
  close(): void {
    this.closed = true;
    for (const s of this.segments) {
      const closeFd = () => this.opts.flusher.closeFd(s.fd);
      if (s.appends) s.appends.abandon(closeFd);
      else closeFd();
    }
    this.segments = [];
    this.entries = [];
    this.unreadableFrom = 0;
  }

  private roll(): Segment {
    const seg = openSegment(this.dir, this.nextOffset);
    this.segments.push(seg);
    return seg;
  }

  /** The segment's write queue, created on its first append; segments found on disk are complete. */
  private appendQueue(seg: Segment): AppendQueue {
    seg.appends ??= new AppendQueue(seg.fd, seg.size, () => {
      this.opts.flusher.markDirty(seg.fd);
      this.advanceHighWatermark();
    });
    return seg.appends;
  }

  /** Moves the high watermark over every batch now in its file, in offset order (segments write apart). */
  private advanceHighWatermark(): void {
    const from = this.unreadableFrom;
    while (this.unreadableFrom < this.entries.length) {
      const e = this.entries[this.unreadableFrom]!;
      if (e.seg.appends && e.pos + e.size > e.seg.appends.writtenBytes) break;
      this.unreadableFrom++;
    }
    if (this.unreadableFrom > from) this.opts.onReadable?.(this);
  }

  private findEntry(offset: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.last < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private evictCache(): void {
    if (this.cacheFrom > this.entries.length) this.cacheFrom = this.entries.length;
    while (this.cachedBytes > this.opts.cacheBytes && this.cacheFrom < this.entries.length - 1) {
      const e = this.entries[this.cacheFrom]!;
      // Until its write lands, the cache is the only copy a reader can get.
      if (e.seg.appends && e.pos + e.size > e.seg.appends.writtenBytes) break;
      this.cacheFrom++;
      if (e.data) {
        this.cachedBytes -= e.size;
        e.data = undefined;
      }
    }
  }
}

// Segment files and the startup scan that rebuilds the batch index from them.
// A torn or corrupt tail (a hard kill mid-write) is cut off so the log resumes at the last whole batch.

import fs from "node:fs";
import path from "node:path";
import {
  BATCH_HEADER_SIZE,
  BatchField,
  CorruptBatchError,
  LOG_OVERHEAD,
  readBatch,
} from "../records/batch.ts";
import type { AppendQueue } from "./append-queue.ts";

export interface Segment {
  baseOffset: number;
  path: string;
  fd: number;
  /** Bytes appended, including those still queued for writing. */
  size: number;
  lastAppendMs: number;
  /** Writes in flight to this segment; absent for segments only read since the broker started. */
  appends?: AppendQueue;
}

export interface Entry {
  base: number;
  last: number;
  seg: Segment;
  pos: number;
  size: number;
  maxTimestamp: number;
  /** The batch bytes while cached in memory; read from the segment file otherwise. */
  data: Buffer | undefined;
}

const SEGMENT_NAME = /^(\d{20})\.log$/;

export function openSegment(dir: string, baseOffset: number): Segment {
  const file = path.join(dir, `${String(baseOffset).padStart(20, "0")}.log`);
  const fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644);
  const stat = fs.fstatSync(fd);
  return { baseOffset, path: file, fd, size: stat.size, lastAppendMs: stat.mtimeMs };
}

export function scanSegments(
  dir: string,
  onTruncate: (file: string, validBytes: number) => void,
): { segments: Segment[]; entries: Entry[]; nextOffset: number } {
  const names = fs
    .readdirSync(dir)
    .filter((n) => SEGMENT_NAME.test(n))
    .sort();
  const segments: Segment[] = [];
  const entries: Entry[] = [];
  let nextOffset = names[0] ? Number(names[0].slice(0, 20)) : 0;
  for (let k = 0; k < names.length; k++) {
    const seg = openSegment(dir, Number(names[k]!.slice(0, 20)));
    if (seg.baseOffset !== nextOffset) {
      // A gap means an earlier segment lost its tail: everything after it is unreachable.
      fs.closeSync(seg.fd);
      fs.rmSync(seg.path, { force: true });
      continue;
    }
    // Only the newest segment can hold a torn write, so only it pays for full CRC checks.
    const valid = scanOne(seg, entries, k === names.length - 1);
    if (valid < seg.size) {
      onTruncate(seg.path, valid);
      fs.ftruncateSync(seg.fd, valid);
      seg.size = valid;
    }
    segments.push(seg);
    const last = entries[entries.length - 1];
    nextOffset = last && last.seg === seg ? last.last + 1 : seg.baseOffset;
  }
  return { segments, entries, nextOffset };
}

/** Indexes the segment's batches and returns how many leading bytes are valid. */
function scanOne(seg: Segment, entries: Entry[], verify: boolean): number {
  let pos = 0;
  let expected = seg.baseOffset;
  const header = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
  while (pos + BATCH_HEADER_SIZE <= seg.size) {
    fs.readSync(seg.fd, header, 0, BATCH_HEADER_SIZE, pos);
    const size = LOG_OVERHEAD + header.readInt32BE(BatchField.batchLength);
    if (size < BATCH_HEADER_SIZE || pos + size > seg.size) break;
    const base = Number(header.readBigInt64BE(BatchField.baseOffset));
    if (base !== expected) break;
    let info: { lastOffsetDelta: number; maxTimestamp: number } | undefined;
    try {
      if (verify) {
        const full = Buffer.allocUnsafe(size);
        fs.readSync(seg.fd, full, 0, size, pos);
        info = readBatch(full, 0);
      } else {
        info = headerInfo(header);
      }
    } catch (err) {
      if (err instanceof CorruptBatchError) break;
      throw err;
    }
    if (!info) break;
    const last = base + info.lastOffsetDelta;
    entries.push({ base, last, seg, pos, size, maxTimestamp: info.maxTimestamp, data: undefined });
    expected = last + 1;
    pos += size;
  }
  return pos;
}

function headerInfo(header: Buffer): { lastOffsetDelta: number; maxTimestamp: number } | undefined {
  if (header.readInt8(BatchField.magic) !== 2) return undefined;
  const lastOffsetDelta = header.readInt32BE(BatchField.lastOffsetDelta);
  if (lastOffsetDelta < 0) return undefined;
  return { lastOffsetDelta, maxTimestamp: Number(header.readBigInt64BE(BatchField.maxTimestamp)) };
}

// Splits a produced record set into RecordBatch v2 batches and validates each header and CRC.
// Records themselves are never decoded: the broker stores and serves batches byte for byte.

import { crc32c } from "./crc32c.ts";

/** Offsets of the RecordBatch v2 header fields. */
export const BatchField = {
  baseOffset: 0,
  batchLength: 8,
  leaderEpoch: 12,
  magic: 16,
  crc: 17,
  attributes: 21,
  lastOffsetDelta: 23,
  firstTimestamp: 27,
  maxTimestamp: 35,
  producerId: 43,
  recordCount: 57,
} as const;

export const BATCH_HEADER_SIZE = 61;
/** baseOffset and batchLength precede the part batchLength counts. */
export const LOG_OVERHEAD = 12;

export interface BatchInfo {
  /** The whole batch, a view into the buffer it came from. */
  data: Buffer;
  lastOffsetDelta: number;
  recordCount: number;
  maxTimestamp: number;
}

export class CorruptBatchError extends Error {
  override name = "CorruptBatchError";
}

/** Validates one batch at `pos`; returns undefined when the buffer ends before the batch does. */
export function readBatch(buf: Buffer, pos: number, checkCrc = true): BatchInfo | undefined {
  if (buf.length - pos < BATCH_HEADER_SIZE) return undefined;
  const batchLength = buf.readInt32BE(pos + BatchField.batchLength);
  const size = LOG_OVERHEAD + batchLength;
  if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD)
    throw new CorruptBatchError(`batch length ${batchLength}`);
  if (buf.length - pos < size) return undefined;
  const magic = buf.readInt8(pos + BatchField.magic);
  if (magic !== 2) throw new CorruptBatchError(`unsupported magic ${magic}`);
  const lastOffsetDelta = buf.readInt32BE(pos + BatchField.lastOffsetDelta);
  const recordCount = buf.readInt32BE(pos + BatchField.recordCount);
  if (lastOffsetDelta < 0 || recordCount < 0) throw new CorruptBatchError("negative record count");
  if (checkCrc) {
    const expected = buf.readUInt32BE(pos + BatchField.crc);
    const actual = crc32c(buf, pos + BatchField.attributes, pos + size);
    if (expected !== actual) throw new CorruptBatchError("crc mismatch");
  }
  return {
    data: buf.subarray(pos, pos + size),
    lastOffsetDelta,
    recordCount,
    maxTimestamp: Number(buf.readBigInt64BE(pos + BatchField.maxTimestamp)),
  };
}

/** Every batch in a produced record set; a trailing partial batch is corruption here. */
export function splitRecordSet(recordSet: Buffer): BatchInfo[] {
  const batches: BatchInfo[] = [];
  let pos = 0;
  while (pos < recordSet.length) {
    const batch = readBatch(recordSet, pos);
    if (!batch) throw new CorruptBatchError("truncated batch");
    batches.push(batch);
    pos += batch.data.length;
  }
  if (batches.length === 0) throw new CorruptBatchError("empty record set");
  return batches;
}

export function setBaseOffset(batch: Buffer, offset: number): void {
  batch.writeBigInt64BE(BigInt(offset), BatchField.baseOffset);
}

export function baseOffsetOf(batch: Buffer): number {
  return Number(batch.readBigInt64BE(BatchField.baseOffset));
}

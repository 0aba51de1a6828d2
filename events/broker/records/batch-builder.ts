// Encodes small uncompressed RecordBatch v2 batches, for tests and the fuzzer that need real bytes
// without a client library in the loop.

import { BATCH_HEADER_SIZE, BatchField } from "./batch.ts";
import { crc32c } from "./crc32c.ts";

function varint(n: number): Buffer {
  let z = (n << 1) ^ (n >> 31);
  const out: number[] = [];
  do {
    let byte = z & 0x7f;
    z >>>= 7;
    if (z !== 0) byte |= 0x80;
    out.push(byte);
  } while (z !== 0);
  return Buffer.from(out);
}

function record(offsetDelta: number, key: string | null, value: string): Buffer {
  const k = key === null ? null : Buffer.from(key);
  const v = Buffer.from(value);
  const body = Buffer.concat([
    Buffer.from([0]),
    varint(0),
    varint(offsetDelta),
    varint(k ? k.length : -1),
    k ?? Buffer.alloc(0),
    varint(v.length),
    v,
    varint(0),
  ]);
  return Buffer.concat([varint(body.length), body]);
}

export function buildBatch(
  records: Array<{ key?: string | null; value: string }>,
  timestamp = Date.now(),
): Buffer {
  const body = Buffer.concat(records.map((r, i) => record(i, r.key ?? null, r.value)));
  const batch = Buffer.alloc(BATCH_HEADER_SIZE + body.length);
  batch.writeInt32BE(batch.length - 12, BatchField.batchLength);
  batch.writeInt8(2, BatchField.magic);
  batch.writeInt32BE(Math.max(records.length - 1, 0), BatchField.lastOffsetDelta);
  batch.writeBigInt64BE(BigInt(timestamp), BatchField.firstTimestamp);
  batch.writeBigInt64BE(BigInt(timestamp), BatchField.maxTimestamp);
  batch.writeBigInt64BE(-1n, BatchField.producerId);
  batch.writeInt16BE(-1, BatchField.producerId + 8);
  batch.writeInt32BE(-1, BatchField.producerId + 10);
  batch.writeInt32BE(records.length, BatchField.recordCount);
  body.copy(batch, BATCH_HEADER_SIZE);
  batch.writeUInt32BE(crc32c(batch, BatchField.attributes), BatchField.crc);
  return batch;
}

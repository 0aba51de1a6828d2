// RecordBatch v2 validation: good batches pass untouched, any damage is reported as corruption.

import { describe, expect, it } from "vitest";
import { baseOffsetOf, CorruptBatchError, setBaseOffset, splitRecordSet } from "./batch.ts";
import { buildBatch } from "./batch-builder.ts";
import { crc32c } from "./crc32c.ts";

describe("CRC32C", () => {
  it("matches the standard check value for '123456789'", () => {
    expect(crc32c(Buffer.from("123456789"))).toBe(0xe3069283);
  });
});

describe("splitting a produced record set", () => {
  const a = buildBatch([{ key: "k", value: "one" }, { value: "two" }]);
  const b = buildBatch([{ value: "three" }]);

  it("finds every batch with its record count, as views into the same buffer", () => {
    const set = Buffer.concat([a, b]);
    const batches = splitRecordSet(set);
    expect(batches.map((x) => x.recordCount)).toEqual([2, 1]);
    expect(batches.map((x) => x.lastOffsetDelta)).toEqual([1, 0]);
    expect(batches[0]!.data.buffer).toBe(set.buffer);
  });

  it("rewrites only the base offset, which the CRC does not cover", () => {
    const copy = Buffer.from(a);
    setBaseOffset(copy, 42);
    expect(baseOffsetOf(copy)).toBe(42);
    expect(() => splitRecordSet(copy)).not.toThrow();
  });

  it("rejects a flipped bit, a truncated batch, a wrong magic byte and an empty set", () => {
    const flipped = Buffer.from(a);
    flipped[flipped.length - 1]! ^= 1;
    expect(() => splitRecordSet(flipped)).toThrow(CorruptBatchError);
    expect(() => splitRecordSet(a.subarray(0, a.length - 1))).toThrow(CorruptBatchError);
    const magic = Buffer.from(a);
    magic.writeInt8(1, 16);
    expect(() => splitRecordSet(magic)).toThrow(CorruptBatchError);
    expect(() => splitRecordSet(Buffer.alloc(0))).toThrow(CorruptBatchError);
  });
});

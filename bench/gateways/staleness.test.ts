import { describe, expect, it } from "vitest";
import { countStaleReads, type ReadSeen, type VersionSeen } from "./staleness.ts";

// Product 1 goes to version 10 (acknowledged at t=100, its event delivered at t=120), then 11 (ack 200,
// delivered 230). Product 2 is never written.
const acks: VersionSeen[] = [
  { product: 1, version: 11, at: 200 },
  { product: 1, version: 10, at: 100 },
];
const deliveries: VersionSeen[] = [
  { product: 1, version: 10, at: 120 },
  { product: 1, version: 11, at: 230 },
];
const read = (product: number, version: number, startedAt: number): ReadSeen => ({
  product,
  version,
  startedAt,
  at: startedAt + 5,
});

describe("stale reads in the mixed run", () => {
  it("counts nothing when every read returns the newest version known when it started", () => {
    const reads = [read(1, 5, 90), read(1, 10, 101), read(1, 10, 199), read(1, 11, 231)];
    expect(countStaleReads(reads, acks, deliveries)).toEqual({
      readsOfWritten: 4,
      afterConsumed: 0,
      afterAck: 0,
    });
  });

  it("counts an old version read after the write's ack but before its event, as stale after ack only", () => {
    expect(countStaleReads([read(1, 5, 110)], acks, deliveries)).toEqual({
      readsOfWritten: 1,
      afterConsumed: 0,
      afterAck: 1,
    });
  });

  it("counts an old version read after the event was delivered as stale both ways", () => {
    expect(countStaleReads([read(1, 10, 240), read(1, 5, 121)], acks, deliveries)).toEqual({
      readsOfWritten: 2,
      afterConsumed: 2,
      afterAck: 2,
    });
  });

  it("judges a read by when it started, not when its answer came", () => {
    // Started before the ack of 11, answered after: version 10 was the newest it could promise.
    expect(countStaleReads([{ product: 1, version: 10, startedAt: 150, at: 260 }], acks, deliveries)).toEqual(
      {
        readsOfWritten: 1,
        afterConsumed: 0,
        afterAck: 0,
      },
    );
  });

  it("leaves reads of products nobody wrote out of the count", () => {
    expect(countStaleReads([read(2, 1, 500)], acks, deliveries)).toEqual({
      readsOfWritten: 0,
      afterConsumed: 0,
      afterAck: 0,
    });
  });
});

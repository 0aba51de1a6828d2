import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mergeByTime, type TimedRecord } from "./replay-merge.ts";

interface Published extends TimedRecord {
  /** Publish order across the whole topic. */
  seq: number;
  key: number;
}

/** Publishes `keys` in order at non-decreasing times, each key always on the same partition (as Kafka does). */
function publish(keys: number[], steps: number[], partitionCount: number): Published[][] {
  const partitions: Published[][] = Array.from({ length: partitionCount }, () => []);
  let time = 1_000;
  keys.forEach((key, seq) => {
    time += steps[seq % steps.length]!;
    const list = partitions[key % partitionCount]!;
    list.push({ partition: key % partitionCount, offset: BigInt(list.length), time, seq, key });
  });
  return partitions;
}

describe("mergeByTime", () => {
  it("gives back publish order when clocks move forward, whatever the interleaving", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(20), { maxLength: 200 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1 }),
        fc.integer({ min: 1, max: 6 }),
        (keys, steps, partitionCount) => {
          const merged = mergeByTime(publish(keys, steps, partitionCount));
          expect(merged.map((r) => r.seq)).toEqual(keys.map((_, seq) => seq));
        },
      ),
    );
  });

  it("keeps every partition's own order and every record exactly once, even with equal or skewed times", () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 40 }), { maxLength: 5 }),
        (times) => {
          const partitions = times.map((list, partition) =>
            list.map((time, offset) => ({ partition, offset: BigInt(offset), time })),
          );
          const merged = mergeByTime(partitions);
          expect(merged).toHaveLength(times.flat().length);
          for (const [partition, list] of partitions.entries())
            expect(merged.filter((r) => r.partition === partition)).toEqual(list);
        },
      ),
    );
  });

  it("orders one author's posts, keyed to one partition, as published, among other authors' posts", () => {
    const partitions = publish([7, 1, 7, 2, 7, 7], [1], 3);
    const merged = mergeByTime(partitions);
    expect(merged.filter((r) => r.key === 7).map((r) => r.seq)).toEqual([0, 2, 4, 5]);
    expect(merged.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

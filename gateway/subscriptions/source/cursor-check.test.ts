import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkPosition, type Watermarks } from "./cursor-check.ts";

const topic = "inventory.stock.changed";
const marks = (...pairs: [number, number][]): Watermarks[] =>
  pairs.map(([low, high], partition) => ({ partition, low: BigInt(low), high: BigInt(high) }));
const at = (...offsets: number[]) => ({ topic, offsets: new Map(offsets.map((o, p) => [p, BigInt(o)])) });

describe("checkPosition", () => {
  it("accepts a cursor inside every partition and says how far behind it is", () => {
    expect(checkPosition(at(4, -1, 9), marks([0, 10], [0, 3], [0, 10]))).toEqual({
      from: new Map([
        [0, 4n],
        [1, -1n],
        [2, 9n],
      ]),
      behind: 5 + 3 + 0,
    });
  });

  it("refuses an offset past the end of a partition as BAD_USER_INPUT", () => {
    const result = checkPosition(at(4, 3, 9), marks([0, 10], [0, 3], [0, 10]));
    expect(result).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
    expect((result as { message: string }).message).toMatch(/past the end of partition 1/);
  });

  it("refuses a cursor naming some partitions only, or more than the topic has, as BAD_USER_INPUT", () => {
    const partial = { topic, offsets: new Map([[1, 2n]]) };
    expect(checkPosition(partial, marks([0, 10], [0, 3], [0, 10]))).toMatchObject({
      extensions: { code: "BAD_USER_INPUT" },
      message: expect.stringMatching(/names partitions \[1\] but the topic has \[0, 1, 2\]/),
    });
    expect(checkPosition(at(1, 1, 1, 1), marks([0, 10], [0, 3], [0, 10]))).toMatchObject({
      extensions: { code: "BAD_USER_INPUT" },
    });
  });

  it("keeps CURSOR_EXPIRED for offsets Kafka no longer retains, also in a cursor naming only that partition", () => {
    expect(checkPosition({ topic, offsets: new Map([[0, 1n]]) }, marks([5, 10], [0, 3]))).toMatchObject({
      extensions: { code: "CURSOR_EXPIRED" },
    });
    expect(checkPosition(at(1, 2), marks([5, 10], [0, 3]))).toMatchObject({
      extensions: { code: "CURSOR_EXPIRED" },
    });
    // The last offset before the retained start is still complete: nothing was lost.
    expect(checkPosition(at(4, 2), marks([5, 10], [0, 3]))).toMatchObject({ behind: 5 });
  });

  it("accepts exactly the cursors that name every partition within [low - 1, high - 1]", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(50), fc.nat(50)), { minLength: 1, maxLength: 5 }),
        fc.array(fc.integer({ min: -1, max: 120 }), { minLength: 1, maxLength: 6 }),
        (ranges, offsets) => {
          const partitions = ranges.map(([low, extra], partition) => ({
            partition,
            low: BigInt(low),
            high: BigInt(low + extra),
          }));
          const result = checkPosition(at(...offsets), partitions);
          const valid =
            offsets.length === partitions.length &&
            partitions.every(
              ({ low, high }, p) => BigInt(offsets[p]!) + 1n >= low && BigInt(offsets[p]!) < high,
            );
          if (valid) {
            expect(result).toHaveProperty("from");
            const behind = partitions.reduce((sum, { high }, p) => sum + Number(high) - 1 - offsets[p]!, 0);
            expect((result as { behind: number }).behind).toBe(behind);
          } else expect(result).toHaveProperty("extensions.code");
        },
      ),
    );
  });
});

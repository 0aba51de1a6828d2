import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { placeOf, RecentIds } from "./recent-ids.ts";

describe("RecentIds", () => {
  it("admits the first copy of an id, drops a copy at another place, admits a re-read of the same record", () => {
    const recent = new RecentIds(10);
    expect(recent.admit("e1", placeOf(0, "5"))).toBe(true);
    expect(recent.admit("e1", placeOf(0, "9"))).toBe(false);
    expect(recent.admit("e1", placeOf(0, 5n))).toBe(true);
    expect(recent.isDuplicate("e1", "0:9")).toBe(true);
  });

  it("forgets the oldest ids beyond its capacity, so memory stays bounded", () => {
    const recent = new RecentIds(2);
    recent.admit("a", "0:1");
    recent.admit("b", "0:2");
    recent.admit("c", "0:3");
    expect(recent.size).toBe(2);
    expect(recent.admit("a", "0:9")).toBe(true);
  });

  it("lets exactly one copy of each id through when copies are within the window", () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(30), { maxLength: 300 }),
        fc.array(fc.nat(3), { maxLength: 300 }),
        (ids, repeats) => {
          // A stream of records where some are re-sent copies (same id, later offset) close after the original.
          const records: { id: string; offset: number }[] = [];
          ids.forEach((id, i) => {
            records.push({ id: `e${id}-${i}`, offset: records.length });
            for (let r = 0; r < (repeats[i] ?? 0); r++)
              records.push({ id: `e${id}-${i}`, offset: records.length });
          });
          const recent = new RecentIds(16);
          const delivered = records.filter((r) => recent.admit(r.id, placeOf(0, String(r.offset))));
          expect(delivered.map((r) => r.id)).toEqual(ids.map((id, i) => `e${id}-${i}`));
        },
      ),
    );
  });
});

import { describe, expect, it } from "vitest";
import { connection, cursorPage, decodeCursor, encodeCursor } from "./cursor.ts";

const id = "3f1c2a4e-9b7d-4c1e-8f00-0123456789ab";

describe("feed cursors", () => {
  it("round-trip a millisecond timestamp and an id through an opaque base64url string", () => {
    const at = new Date("2026-11-22T10:30:00.123Z");
    const cursor = encodeCursor({ at, id });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toEqual({ at, id });
  });

  it("reject anything this API did not hand out as BAD_USER_INPUT naming after", () => {
    const bad = [
      "not a cursor!",
      Buffer.from("2026-11-22T10:30:00.123Z|nope").toString("base64url"),
      Buffer.from(`yesterday|${id}`).toString("base64url"),
      Buffer.from(`2026-11-22T10:30:00.123Z|${id}|x`).toString("base64url"),
    ];
    for (const value of bad) {
      expect(() => decodeCursor(value)).toThrow(
        expect.objectContaining({ extensions: { code: "BAD_USER_INPUT", field: "after" } }),
      );
    }
  });

  it("limit first to 1..100", () => {
    expect(cursorPage(20, null)).toEqual({ first: 20, after: null });
    expect(() => cursorPage(0, null)).toThrow(/first/);
    expect(() => cursorPage(101, null)).toThrow(/first/);
  });

  it("build a connection from first + 1 rows", () => {
    const rows = [1, 2, 3].map((n) => ({ n, at: new Date(n * 1000), id }));
    const full = connection(
      rows,
      2,
      (r) => r,
      (r) => r.n,
    );
    expect(full.nodes).toEqual([1, 2]);
    expect(full.pageInfo.hasNextPage).toBe(true);
    expect(decodeCursor(full.pageInfo.endCursor!).at).toEqual(new Date(2000));
    const empty = connection(
      [],
      2,
      (r: { at: Date; id: string }) => r,
      () => 0,
    );
    expect(empty.pageInfo).toEqual({ endCursor: null, hasNextPage: false });
  });
});

import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "./cursor.ts";

describe("event cursors", () => {
  it("round-trip every partition's offset as opaque base64url, int64 offsets intact", () => {
    const position = {
      topic: "orders.order.status-changed",
      offsets: new Map([
        [0, 9007199254740993n],
        [1, -1n],
        [2, 40n],
      ]),
    };
    const encoded = encodeCursor(position);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(encoded)).toEqual(position);
  });

  it("reject what is not a cursor", () => {
    expect(decodeCursor("not a cursor")).toBeNull();
    expect(decodeCursor(Buffer.from("topic:0=x").toString("base64url"))).toBeNull();
    expect(decodeCursor(Buffer.from("topic:0=1,0=2").toString("base64url"))).toBeNull();
    expect(decodeCursor(Buffer.from("no-offsets").toString("base64url"))).toBeNull();
  });
});

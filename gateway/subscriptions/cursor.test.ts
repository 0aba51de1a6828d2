import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "./cursor.ts";

describe("event cursors", () => {
  it("encode topic, partition and offset as base64url and decode back", () => {
    const cursor = { topic: "orders.order.status-changed", partition: 2, offset: "9007199254740993" };
    const encoded = encodeCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(encoded, "base64url").toString()).toBe(
      "orders.order.status-changed:2:9007199254740993",
    );
    expect(decodeCursor(encoded)).toEqual(cursor);
  });

  it("decode garbage to null", () => {
    expect(decodeCursor("not-a-cursor")).toBeNull();
  });
});

import { describe, expect, it } from "vitest";
import {
  assertTransition,
  canTransition,
  IllegalTransition,
  ORDER_STATUSES,
  type OrderStatus,
} from "./status.ts";

const allowed: [OrderStatus, OrderStatus][] = [
  ["PENDING", "CONFIRMED"],
  ["PENDING", "REJECTED"],
  ["PENDING", "CANCELLED"],
  ["CONFIRMED", "PAID"],
  ["CONFIRMED", "CANCELLED"],
  ["PAID", "SHIPPED"],
  ["PAID", "CANCELLED"],
  ["SHIPPED", "DELIVERED"],
];

describe("the order state machine", () => {
  it("allows exactly the documented transitions", () => {
    const key = ([a, b]: [OrderStatus, OrderStatus]) => `${a}->${b}`;
    const expected = new Set(allowed.map(key));
    for (const from of ORDER_STATUSES) {
      for (const to of ORDER_STATUSES) {
        expect(canTransition(from, to), key([from, to])).toBe(expected.has(key([from, to])));
      }
    }
  });

  it("keeps REJECTED, DELIVERED and CANCELLED final", () => {
    for (const end of ["REJECTED", "DELIVERED", "CANCELLED"] as const) {
      for (const to of ORDER_STATUSES) expect(canTransition(end, to)).toBe(false);
    }
  });

  it("refuses shipping an unpaid order, naming the current status", () => {
    expect(() => assertTransition("CONFIRMED", "SHIPPED")).toThrow(IllegalTransition);
    expect(() => assertTransition("CONFIRMED", "SHIPPED")).toThrow(
      "The order is CONFIRMED; it cannot be shipped.",
    );
    expect(() => assertTransition("SHIPPED", "CANCELLED")).toThrow(/is SHIPPED/);
    expect(() => assertTransition("PAID", "SHIPPED")).not.toThrow();
  });
});

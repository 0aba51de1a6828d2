import { describe, expect, it } from "vitest";
import type { EventBinding } from "../planning/bindings.ts";
import { mayReceive, passesFilters } from "./matcher.ts";

const orderStatus: EventBinding = {
  field: "orderStatusChanged",
  topic: "orders.order.status-changed",
  entityField: "order",
  filters: [{ argument: "orderId", field: "orderId" }],
  owner: "customerId",
  adminSeesAll: true,
};
const notification: EventBinding = { ...orderStatus, filters: [], owner: "userId", adminSeesAll: false };
const alice = { id: "u1", roles: ["CUSTOMER" as const] };
const admin = { id: "a1", roles: ["ADMIN" as const] };

describe("argument filters", () => {
  it("let every event through when the argument is omitted or null", () => {
    expect(passesFilters(orderStatus, {}, { orderId: "o1" })).toBe(true);
    expect(passesFilters(orderStatus, { orderId: null }, { orderId: "o1" })).toBe(true);
  });

  it("let through only events whose payload field equals the argument", () => {
    expect(passesFilters(orderStatus, { orderId: "o1" }, { orderId: "o1" })).toBe(true);
    expect(passesFilters(orderStatus, { orderId: "o1" }, { orderId: "o2" })).toBe(false);
    expect(passesFilters(orderStatus, { orderId: "o1" }, {})).toBe(false);
  });

  it("compare numbers and strings as GraphQL IDs and look inside repeated fields", () => {
    expect(passesFilters(orderStatus, { orderId: "7" }, { orderId: 7 })).toBe(true);
    const tags = { ...orderStatus, filters: [{ argument: "tag", field: "tags" }] };
    expect(passesFilters(tags, { tag: "ts" }, { tags: ["js", "ts"] })).toBe(true);
    expect(passesFilters(tags, { tag: "go" }, { tags: ["js", "ts"] })).toBe(false);
  });
});

describe("owner-bound events", () => {
  it("reach their owner and nobody else", () => {
    expect(mayReceive(notification, alice, { userId: "u1" })).toBe(true);
    expect(mayReceive(notification, alice, { userId: "u2" })).toBe(false);
    expect(mayReceive(notification, null, { userId: "u1" })).toBe(false);
  });

  it("reach admins only where the binding says adminSeesAll", () => {
    expect(mayReceive(orderStatus, admin, { customerId: "u2" })).toBe(true);
    expect(mayReceive(notification, admin, { userId: "u2" })).toBe(false);
  });

  it("never match an empty owner", () => {
    expect(mayReceive(notification, { id: "", roles: [] }, { userId: "" })).toBe(false);
  });

  it("go to anyone when the binding has no owner", () => {
    expect(mayReceive({ ...orderStatus, owner: undefined }, null, {})).toBe(true);
  });
});

import type { KafkaMessage } from "kafkajs";
import { describe, expect, it } from "vitest";
import { encodeEvent } from "../../../events/codec.ts";
import { toGatewayEvent } from "./event-source.ts";

function record(encoded: ReturnType<typeof encodeEvent>, offset = "42"): KafkaMessage {
  return {
    key: Buffer.from(encoded.key),
    value: encoded.value,
    headers: encoded.headers,
    offset,
    timestamp: String(Date.now()),
    attributes: 0,
  } as KafkaMessage;
}

describe("toGatewayEvent", () => {
  it("reads an event kit record into entity, camelCase fields and cursor", () => {
    const encoded = encodeEvent({
      id: "evt-1",
      topic: "orders.order.status-changed",
      key: "o1",
      source: "/subgraphs/orders",
      payload: { entity: { typename: "Order", id: "o1" }, orderId: "o1", customerId: "u1", status: "PAID" },
    });
    const event = toGatewayEvent("orders.order.status-changed", 3, record(encoded));
    expect(event.id).toBe("evt-1");
    expect(event.entity).toEqual({ typename: "Order", id: "o1" });
    expect(event.fields).toMatchObject({ orderId: "o1", customerId: "u1", status: "PAID" });
    expect(event.fields).not.toHaveProperty("entity");
    expect(event.cursor).toEqual({ topic: "orders.order.status-changed", partition: 3, offset: "42" });
  });

  it("refuses a record that is not an event", () => {
    const junk = { key: null, value: Buffer.from("{}"), headers: {}, offset: "1" } as unknown as KafkaMessage;
    expect(() => toGatewayEvent("inventory.stock.changed", 0, junk)).toThrow(/decode/);
  });
});

import { describe, expect, it } from "vitest";
import { decodeEvent, EventDecodeError, encodeEvent, payloadFromJson, payloadToJson } from "./codec.ts";
import { Topics } from "./topics.ts";

const placed = {
  id: "5f0c8a52-34a4-4b7e-9d0f-7f8f6b1c2d3e",
  topic: Topics.OrderPlaced,
  key: "order-1",
  source: "/subgraphs/orders",
  time: new Date("2025-01-02T03:04:05.678Z"),
  payload: {
    entity: { typename: "Order", id: "order-1" },
    orderId: "order-1",
    customerId: "user-9",
    lines: [{ productId: "p-1", quantity: 2, unitPriceCents: 1250 }],
    totalCents: 2500,
    currency: "EUR",
  },
};

describe("the event codec", () => {
  it("writes CloudEvents binary-mode headers and a protobuf value", () => {
    const encoded = encodeEvent({ ...placed, extraHeaders: { traceparent: "00-abc-def-01" } });
    expect(encoded.key).toBe("order-1");
    expect(encoded.headers).toEqual({
      ce_specversion: "1.0",
      ce_id: placed.id,
      ce_type: "tributary.orders.order.placed.v1",
      ce_source: "/subgraphs/orders",
      ce_time: "2025-01-02T03:04:05.678Z",
      ce_subject: "order-1",
      "content-type": "application/protobuf",
      traceparent: "00-abc-def-01",
    });
    expect(encoded.value[0]).toBe(0x0a); // field 1 (entity), length-delimited: protobuf, not JSON
  });

  it("does not let extra headers override the CloudEvents ones", () => {
    const encoded = encodeEvent({ ...placed, extraHeaders: { ce_id: "forged" } });
    expect(encoded.headers.ce_id).toBe(placed.id);
  });

  it("reads back exactly what it wrote, as a typed message and as camelCase JSON", () => {
    const encoded = encodeEvent(placed);
    const event = decodeEvent(Topics.OrderPlaced, { ...encoded, headers: toBuffers(encoded.headers) });
    expect(event).toMatchObject({
      id: placed.id,
      topic: "orders.order.placed",
      type: "tributary.orders.order.placed.v1",
      source: "/subgraphs/orders",
      time: placed.time,
      key: "order-1",
      subject: "order-1",
    });
    expect(event.payload.$typeName).toBe("tributary.events.v1.OrderPlaced");
    expect(event.payload.lines[0]?.unitPriceCents).toBe(1250);
    expect(event.json).toEqual({ ...placed.payload });
  });

  it("includes default values in the JSON form so consumers see every field", () => {
    const json = payloadToJson(Topics.StockRejected, {
      entity: { typename: "Order", id: "o-1" },
      orderId: "o-1",
      reason: "nothing left",
    });
    expect(json).toEqual({
      entity: { typename: "Order", id: "o-1" },
      orderId: "o-1",
      reason: "nothing left",
      productId: "",
    });
    expect(payloadFromJson(Topics.StockRejected, json).reason).toBe("nothing left");
  });

  it("rejects a topic it does not know", () => {
    expect(() => decodeEvent("orders.order.vanished", encodeEvent(placed))).toThrow(
      expect.objectContaining({ name: "EventDecodeError", reason: "unknown-topic" }),
    );
  });

  it("rejects a message without its CloudEvents headers", () => {
    const { headers, ...rest } = encodeEvent(placed);
    const { ce_id: _dropped, ...withoutId } = headers;
    expect(() => decodeEvent(Topics.OrderPlaced, { ...rest, headers: withoutId })).toThrow(EventDecodeError);
    expect(() => decodeEvent(Topics.OrderPlaced, { ...rest })).toThrow(
      expect.objectContaining({ reason: "missing-header" }),
    );
  });

  it("rejects an event published on another event's topic", () => {
    expect(() => decodeEvent(Topics.OrderStatusChanged, encodeEvent(placed))).toThrow(
      expect.objectContaining({ reason: "wrong-type" }),
    );
  });

  it("rejects bytes that are not the topic's message", () => {
    const encoded = encodeEvent(placed);
    const garbage = Buffer.from([0xff, 0xff, 0xff, 0xff]);
    expect(() => decodeEvent(Topics.OrderPlaced, { ...encoded, value: garbage })).toThrow(
      expect.objectContaining({ reason: "bad-payload" }),
    );
    expect(() => decodeEvent(Topics.OrderPlaced, { ...encoded, value: null })).toThrow(
      expect.objectContaining({ reason: "bad-payload" }),
    );
  });
});

function toBuffers(headers: Record<string, string>): Record<string, Buffer> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, Buffer.from(value)]));
}

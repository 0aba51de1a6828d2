import type { KafkaMessage } from "kafkajs";
import { describe, expect, it } from "vitest";
import { encodeEvent } from "../../../events/codec.ts";
import { silentLogger } from "../../../platform/logger.ts";
import type { GatewayEvent } from "./event-source.ts";
import { handleRecord, type RecordRoute } from "./handle-record.ts";
import { LiveEventIds } from "./live-ids.ts";
import { liveRoute } from "./live-route.ts";
import { LivePositions } from "./positions.ts";

const TOPIC = "orders.order.status-changed";

function record(id: string, offset: number): KafkaMessage {
  const encoded = encodeEvent({
    id,
    topic: TOPIC,
    key: "o1",
    source: "/subgraphs/orders",
    payload: { entity: { typename: "Order", id: "o1" }, orderId: "o1", customerId: "u1", status: "PAID" },
  });
  return {
    key: Buffer.from(encoded.key),
    value: encoded.value,
    headers: encoded.headers,
    offset: String(offset),
    timestamp: String(Date.now()),
    attributes: 0,
  } as KafkaMessage;
}

/** The live route over real positions and id memory, with a hub that records what reaches it. */
function live(subscribed = true) {
  const positions = new LivePositions();
  const delivered: GatewayEvent[] = [];
  const route = liveRoute(positions, new LiveEventIds(100), {
    hasSubscribers: () => subscribed,
    dispatch: async (event) => void delivered.push(event),
  });
  const handle = (message: KafkaMessage, partition = 0) =>
    handleRecord({ topic: TOPIC, partition, message }, route, silentLogger);
  return { positions, delivered, handle };
}

describe("handleRecord on the live route", () => {
  it("delivers a decoded event stamped with the cursor of every partition's position", async () => {
    const { delivered, handle, positions } = live();
    await handle(record("e1", 0), 0);
    await handle(record("e2", 5), 1);
    expect(delivered.map((e) => [e.id, e.entity.id, e.fields.status])).toEqual([
      ["e1", "o1", "PAID"],
      ["e2", "o1", "PAID"],
    ]);
    expect(delivered[1]!.resume).toBe(positions.cursor(TOPIC));
    expect(positions.snapshot(TOPIC)).toEqual(
      new Map([
        [0, 0n],
        [1, 5n],
      ]),
    );
  });

  it("drops a re-sent copy at another offset, but its position still moves on", async () => {
    const { delivered, handle, positions } = live();
    await handle(record("e1", 0));
    await handle(record("e1", 1));
    expect(delivered.map((e) => e.cursor.offset)).toEqual(["0"]);
    expect(positions.get(TOPIC, 0)).toBe(1n);
  });

  it("skips records at or below the position (the look-behind) and undecodable ones", async () => {
    const { delivered, handle, positions } = live();
    positions.initialise(TOPIC, 0, 4n);
    await handle(record("old", 3));
    await handle({ ...record("bad", 5), value: Buffer.from("not protobuf") });
    await handle(record("e6", 6));
    expect(delivered.map((e) => e.id)).toEqual(["e6"]);
  });

  it("does not decode what nobody on this instance follows", async () => {
    const { delivered, handle, positions } = live(false);
    await handle(record("e1", 0));
    expect(delivered).toEqual([]);
    expect(positions.get(TOPIC, 0)).toBe(0n);
  });
});

describe("handleRecord on a route of its own", () => {
  it("asks the route in order: admit, advance, wanted, cursor, deliver", async () => {
    const calls: string[] = [];
    const route: RecordRoute = {
      admit: (id, place) => {
        calls.push(`admit ${id} ${place}`);
        return true;
      },
      advance: (_record, offset) => {
        calls.push(`advance ${offset}`);
        return true;
      },
      wanted: () => {
        calls.push("wanted");
        return true;
      },
      cursor: () => {
        calls.push("cursor");
        return "c";
      },
      deliver: async (event) => void calls.push(`deliver ${event.id} ${event.resume}`),
    };
    await handleRecord({ topic: TOPIC, partition: 2, message: record("e9", 9) }, route, silentLogger);
    expect(calls).toEqual(["admit e9 2:9", "advance 9", "wanted", "cursor", "deliver e9 c"]);
  });
});

import type { KafkaMessage } from "kafkajs";
import { describe, expect, it } from "vitest";
import { encodeEvent } from "./codec.ts";
import { formatMessage } from "./tail-format.ts";
import { Topics } from "./topics.ts";

const encoded = encodeEvent({
  id: "e-1",
  topic: Topics.UserFollowed,
  key: "u-2",
  source: "/subgraphs/feed",
  time: new Date("2025-05-05T05:05:05.000Z"),
  payload: { entity: { typename: "User", id: "u-2" }, followerId: "u-1", followeeId: "u-2" },
});

function kafkaMessage(overrides: Partial<KafkaMessage> = {}): KafkaMessage {
  return {
    key: Buffer.from(encoded.key),
    value: encoded.value,
    headers: encoded.headers,
    offset: "7",
    timestamp: "0",
    attributes: 0,
    ...overrides,
  } as KafkaMessage;
}

describe("a tailed message", () => {
  it("shows a Tributary event with its metadata and JSON payload", () => {
    const line = formatMessage(Topics.UserFollowed, 1, kafkaMessage());
    expect(Object.keys(line)).toEqual([
      "topic",
      "partition",
      "offset",
      "id",
      "type",
      "source",
      "time",
      "key",
      "payload",
    ]);
    expect(line).toEqual({
      topic: "feed.user.followed",
      partition: 1,
      offset: "7",
      id: "e-1",
      type: "tributary.feed.user.followed.v1",
      source: "/subgraphs/feed",
      time: "2025-05-05T05:05:05.000Z",
      key: "u-2",
      payload: { entity: { typename: "User", id: "u-2" }, followerId: "u-1", followeeId: "u-2" },
    });
  });

  it("decodes a dead letter as its original topic and shows why it was parked", () => {
    const headers = { ...encoded.headers, dlq_original_topic: Topics.UserFollowed, dlq_error: "boom" };
    const line = formatMessage("feed.user.followed.dlq", 0, kafkaMessage({ headers }));
    expect(line).toMatchObject({
      id: "e-1",
      deadLetter: { originalTopic: Topics.UserFollowed, error: "boom" },
    });
  });

  it("shows the decoding error and the headers of anything else", () => {
    const line = formatMessage("somebody.elses.topic", 0, kafkaMessage({ headers: { trace: "t" } }));
    expect(line).toMatchObject({
      key: "u-2",
      error: expect.stringMatching(/not a Tributary topic/),
      headers: { trace: "t" },
    });
  });
});

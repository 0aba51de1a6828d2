import type { KafkaMessage } from "kafkajs";
import { describe, expect, it } from "vitest";
import { deadLetterMessage, describeError } from "./dead-letter.ts";

const original: KafkaMessage = {
  key: Buffer.from("order-1"),
  value: Buffer.from([1, 2, 3]),
  headers: { ce_id: Buffer.from("e-1") },
  offset: "42",
  timestamp: "1700000000000",
  attributes: 0,
};

describe("a dead letter", () => {
  it("keeps the original key, value and headers and says where it came from and why", () => {
    const letter = deadLetterMessage({
      topic: "orders.order.placed",
      partition: 2,
      message: original,
      error: new TypeError("no such product"),
      attempts: 5,
      groupId: "tributary.inventory",
      source: "/subgraphs/inventory",
      failedAt: new Date("2025-01-01T00:00:00Z"),
    });
    expect(letter.key).toBe(original.key);
    expect(letter.value).toBe(original.value);
    expect(letter.headers).toEqual({
      ce_id: original.headers?.ce_id,
      dlq_error: "TypeError: no such product",
      dlq_attempts: "5",
      dlq_original_topic: "orders.order.placed",
      dlq_original_partition: "2",
      dlq_original_offset: "42",
      dlq_consumer_group: "tributary.inventory",
      dlq_source: "/subgraphs/inventory",
      dlq_failed_at: "2025-01-01T00:00:00.000Z",
    });
  });

  it("cuts a very long error message short", () => {
    expect(describeError("x".repeat(5_000))).toHaveLength(1_001);
  });
});

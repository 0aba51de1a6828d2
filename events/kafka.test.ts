import { describe, expect, it } from "vitest";
import { parseBrokers } from "./kafka.ts";

describe("parseBrokers", () => {
  it("splits a comma-separated list and trims spaces", () => {
    expect(parseBrokers("127.0.0.1:9092, kafka:29092 ,")).toEqual(["127.0.0.1:9092", "kafka:29092"]);
  });

  it("refuses an empty list or an address without a port", () => {
    expect(() => parseBrokers(" , ")).toThrow(/no Kafka brokers/);
    expect(() => parseBrokers("localhost")).toThrow(/host:port/);
  });
});

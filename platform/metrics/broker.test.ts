import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBroker, type TestBroker, testKafka } from "../../events/testing/broker.ts";
import { type BrokerMetrics, serveBrokerMetrics } from "./broker.ts";

describe("the embedded broker's counters on their own /metrics port", () => {
  let broker: TestBroker;
  let metrics: BrokerMetrics;
  beforeAll(async () => {
    broker = await startTestBroker();
    metrics = await serveBrokerMetrics({ stats: () => broker.stats(), port: 0, host: "127.0.0.1" });
  });
  afterAll(async () => {
    await metrics?.close();
    await broker?.stop();
  });

  it("reports records and bytes produced, read at scrape time", async () => {
    const kafka = testKafka(broker.address);
    const producer = kafka.producer({ allowAutoTopicCreation: true });
    await producer.connect();
    await producer.send({ topic: "metered", messages: [{ value: "a" }, { value: "b" }, { value: "c" }] });
    await producer.disconnect();

    const response = await fetch(`http://127.0.0.1:${metrics.port}/metrics`);
    expect(response.headers.get("content-type")).toContain("text/plain");
    const text = await response.text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
    expect(value("tributary_broker_records_in_total")).toBe(3);
    expect(value("tributary_broker_bytes_in_total")).toBeGreaterThan(0);
    expect(value("tributary_broker_connections_total")).toBeGreaterThan(0);
    expect(value("tributary_broker_topics")).toBeGreaterThanOrEqual(1);
    // Running totals are typed counter (rate() and promtool expect it), levels stay gauges.
    expect(text).toContain("# TYPE tributary_broker_records_in_total counter");
    expect(text).toContain("# TYPE tributary_broker_connections_open gauge");
    expect(text).not.toMatch(/# TYPE \S+_total gauge/);
    // Only the broker's series: none of the gateway's or subgraphs' metrics with nothing behind them.
    expect(text).not.toContain("tributary_http_requests_total");
    expect((await fetch(`http://127.0.0.1:${metrics.port}/other`)).status).toBe(404);
  });
});

// Raw wire-level behaviour that clients depend on but kafkajs never exercises: version fallback,
// corrupt batches, oversized or unknown requests, and a prompt stop() under load.

import net from "node:net";
import { Kafka, logLevel } from "kafkajs";
import { afterEach, describe, expect, it } from "vitest";
import { fastConsumer, startTestBroker, type TestBroker, tempDir, testKafka } from "../testing/broker.ts";
import { ApiKey, ErrorCode } from "./protocol/api.ts";
import { Reader } from "./protocol/reader.ts";
import { Writer } from "./protocol/writer.ts";
import { buildBatch } from "./records/batch-builder.ts";

const brokers: TestBroker[] = [];
afterEach(async () => {
  for (const b of brokers.splice(0)) await b.stop();
});

async function broker(options: Parameters<typeof startTestBroker>[0] = {}) {
  const b = await startTestBroker(options);
  brokers.push(b);
  return b;
}

function request(apiKey: number, version: number, body: (w: Writer) => void = () => {}): Buffer {
  const w = new Writer().int16(apiKey).int16(version).int32(42).nullableString("raw");
  body(w);
  const payload = Buffer.concat(w.finish());
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

/** Sends raw bytes and resolves with the first response body, or null if the broker hangs up. */
function roundTrip(b: TestBroker, bytes: Buffer): Promise<Reader | null> {
  return new Promise((resolve) => {
    const socket = net.connect(b.port, b.host, () => socket.write(bytes));
    let data = Buffer.alloc(0);
    socket.on("data", (d: Buffer) => {
      data = Buffer.concat([data, d]);
      if (data.length >= 4 && data.length >= 4 + data.readInt32BE(0)) {
        socket.destroy();
        const r = new Reader(data.subarray(4, 4 + data.readInt32BE(0)));
        expect(r.int32()).toBe(42);
        resolve(r);
      }
    });
    socket.on("close", () => resolve(null));
    socket.on("error", () => resolve(null));
  });
}

const produce = (batch: Buffer) =>
  request(ApiKey.Produce, 3, (w) =>
    w
      .nullableString(null)
      .int16(1)
      .int32(1000)
      .array(["raw"], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).bytes(batch))),
  );

/** Per-partition error codes of a Produce v3 response. */
function produceErrors(r: Reader): number[] {
  return r
    .array((r) => {
      r.string();
      return r.array((r) => {
        r.int32();
        const error = r.int16();
        r.int64();
        r.int64();
        return error;
      });
    })
    .flat();
}

describe("the broker at the wire level", () => {
  it("answers ApiVersions v3 with UNSUPPORTED_VERSION and the v0 list, as librdkafka expects", async () => {
    const b = await broker();
    const r = (await roundTrip(b, request(ApiKey.ApiVersions, 3)))!;
    expect(r.int16()).toBe(ErrorCode.UNSUPPORTED_VERSION);
    const versions = r.array((r) => [r.int16(), r.int16(), r.int16()]);
    expect(versions).toContainEqual([ApiKey.ApiVersions, 0, 2]);
    expect(r.remaining).toBe(0);
  });

  it("stores a valid batch and answers CORRUPT_MESSAGE for one with a bad CRC, keeping the connection", async () => {
    const b = await broker();
    const admin = testKafka(b.address).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "raw", numPartitions: 1 }] });
    await admin.disconnect();
    const good = buildBatch([{ value: "fine" }]);
    const bad = Buffer.from(good);
    bad[bad.length - 1]! ^= 0xff;
    expect(produceErrors((await roundTrip(b, produce(good)))!)).toEqual([ErrorCode.NONE]);
    expect(produceErrors((await roundTrip(b, produce(bad)))!)).toEqual([ErrorCode.CORRUPT_MESSAGE]);
  });

  it("closes only the connection that sends an unknown API, an unsupported version or an oversized frame", async () => {
    const b = await broker({ maxRequestBytes: 1024 });
    expect(await roundTrip(b, request(999, 0))).toBeNull();
    expect(await roundTrip(b, request(ApiKey.Fetch, 11))).toBeNull();
    const huge = Buffer.alloc(8);
    huge.writeInt32BE(4096, 0);
    expect(await roundTrip(b, huge)).toBeNull();
    expect(await roundTrip(b, request(ApiKey.ApiVersions, 0))).not.toBeNull();
    expect(b.stats().connectionErrors).toBe(3);
  });

  it("refuses to start on a port that is already taken", async () => {
    const first = await broker();
    await expect(startTestBroker({ dataDir: tempDir(), port: first.port })).rejects.toThrow();
  });

  it("restarts on the same port and data dir right after stop, with connected clients reconnecting", async () => {
    const dataDir = tempDir();
    const first = await startTestBroker({ dataDir });
    const producer = testKafka(first.address).producer();
    await producer.connect();
    await producer.send({ topic: "bounce", messages: [{ value: "before", partition: 0 }] });
    await first.stop();
    const second = await broker({ dataDir, port: first.port });
    const [result] = await producer.send({ topic: "bounce", messages: [{ value: "after", partition: 0 }] });
    await producer.disconnect();
    expect(second.port).toBe(first.port);
    expect(result!.baseOffset).toBe("1");
  });

  it("stops promptly while a consumer is parked in a long-poll fetch", async () => {
    const b = await broker();
    const kafka = new Kafka({
      brokers: [`${b.host}:${b.port}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const consumer = kafka.consumer({ groupId: "parked", ...fastConsumer, maxWaitTimeInMs: 10_000 });
    await consumer.connect();
    await consumer.subscribe({ topic: "quiet", fromBeginning: true });
    await consumer.run({ eachMessage: async () => {} });
    await new Promise((r) => setTimeout(r, 500));
    const started = Date.now();
    await b.stop();
    // Well under the 10 s the fetch is parked for, with room for a busy CI machine.
    expect(Date.now() - started).toBeLessThan(3_000);
    await consumer.disconnect();
  });
});

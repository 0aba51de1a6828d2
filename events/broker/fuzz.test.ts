// Hostile input: thousands of random and mutated frames over many connections. The broker must
// answer or drop each offending connection, and a normal kafkajs client must work afterwards.

import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fastConsumer, startTestBroker, type TestBroker, testKafka } from "../testing/broker.ts";
import { collect, type Received } from "../testing/records.ts";
import { waitFor } from "../testing/wait.ts";
import { ApiKey } from "./protocol/api.ts";
import { Writer } from "./protocol/writer.ts";
import { buildBatch } from "./records/batch-builder.ts";

const FRAMES = 10_000;

/** Deterministic PRNG so a failure reproduces. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function frame(apiKey: number, version: number, body: (w: Writer) => void): Buffer {
  const w = new Writer().int16(apiKey).int16(version).int32(7).nullableString("fuzz");
  body(w);
  const payload = Buffer.concat(w.finish());
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return Buffer.concat([size, payload]);
}

/** Well-formed requests, the raw material for mutation. */
const seeds: Buffer[] = [
  frame(ApiKey.ApiVersions, 2, () => {}),
  frame(ApiKey.Metadata, 4, (w) => w.array(["fuzz-topic"], (w, t) => w.string(t)).bool(true)),
  frame(ApiKey.Produce, 3, (w) =>
    w
      .nullableString(null)
      .int16(-1)
      .int32(1000)
      .array(["fuzz-topic"], (w, t) => {
        w.string(t).array([0, 1], (w, p) => w.int32(p).bytes(buildBatch([{ key: "k", value: "fuzz" }])));
      }),
  ),
  frame(ApiKey.Fetch, 4, (w) =>
    w
      .int32(-1)
      .int32(10)
      .int32(1)
      .int32(1 << 20)
      .int8(0)
      .array(["fuzz-topic"], (w, t) =>
        w.string(t).array([0], (w, p) =>
          w
            .int32(p)
            .int64(0)
            .int32(1 << 20),
        ),
      ),
  ),
  frame(ApiKey.ListOffsets, 1, (w) =>
    w.int32(-1).array(["fuzz-topic"], (w, t) => w.string(t).array([0], (w, p) => w.int32(p).int64(-2))),
  ),
  frame(ApiKey.JoinGroup, 2, (w) =>
    w
      .string("fuzz-group")
      .int32(200)
      .int32(200)
      .string("")
      .string("consumer")
      .array(["range"], (w, n) => w.string(n).bytes(Buffer.from([0, 1]))),
  ),
  frame(ApiKey.OffsetCommit, 2, (w) =>
    w
      .string("fuzz-group")
      .int32(-1)
      .string("")
      .int64(-1)
      .array(["fuzz-topic"], (w, t) =>
        w.string(t).array([0], (w, p) => w.int32(p).int64(1).nullableString(null)),
      ),
  ),
  frame(ApiKey.CreateTopics, 0, (w) =>
    w.array(["fuzz-created"], (w, t) => w.string(t).int32(1).int16(1).int32(0).int32(0)).int32(100),
  ),
];

function mutate(next: () => number, seed: Buffer): Buffer {
  const out = Buffer.from(seed);
  const kind = next();
  if (kind < 0.4) {
    for (let i = 0, n = 1 + Math.floor(next() * 4); i < n; i++)
      out[4 + Math.floor(next() * (out.length - 4))] = Math.floor(next() * 256);
    return out;
  }
  if (kind < 0.6) {
    const cut = out.subarray(0, 4 + Math.floor(next() * (out.length - 4)));
    cut.writeInt32BE(cut.length - 4, 0);
    return cut;
  }
  if (kind < 0.8) {
    // Lie about a length or count somewhere in the body.
    const at = 12 + Math.floor(next() * Math.max(out.length - 16, 1));
    if (at + 4 <= out.length) out.writeInt32BE([-2, -1, 0x7fffffff, 1 << 20][Math.floor(next() * 4)]!, at);
    return out;
  }
  const junk = Buffer.alloc(Math.floor(next() * 64));
  for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(next() * 256);
  const header = Buffer.alloc(8);
  header.writeInt32BE(next() < 0.1 ? -5 : junk.length + 4, 0);
  header.writeInt16BE(Math.floor(next() * 70) - 5, 4);
  header.writeInt16BE(Math.floor(next() * 8) - 1, 6);
  return Buffer.concat([header, junk]);
}

/** Sends frames on one connection and waits until the broker answers or hangs up. */
function blast(broker: TestBroker, frames: Buffer[]): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(broker.port, broker.host, () => socket.end(Buffer.concat(frames)));
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve();
    };
    const timer = setTimeout(done, 300);
    socket.on("error", done);
    socket.on("close", done);
    socket.resume();
  });
}

describe("the broker under hostile input", () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startTestBroker({ maxRequestBytes: 1 << 20 });
  });

  afterAll(async () => {
    await broker.stop();
  });

  it(`survives ${FRAMES} random and mutated frames and still serves kafkajs`, async () => {
    const next = rng(20240611);
    let sent = 0;
    const batches: Buffer[][] = [];
    while (sent < FRAMES) {
      const n = 1 + Math.floor(next() * 2);
      const frames = Array.from({ length: n }, () => mutate(next, seeds[Math.floor(next() * seeds.length)]!));
      batches.push(frames);
      sent += n;
    }
    for (let i = 0; i < batches.length; i += 32) {
      await Promise.all(batches.slice(i, i + 32).map((frames) => blast(broker, frames)));
    }
    expect(sent).toBeGreaterThanOrEqual(FRAMES);
    expect(broker.stats().connectionErrors).toBeGreaterThan(100);

    const producer = testKafka(broker.address).producer();
    await producer.connect();
    await producer.send({ topic: "after-fuzz", messages: [{ key: "still", value: "alive" }] });
    await producer.disconnect();
    const consumer = testKafka(broker.address).consumer({ groupId: "after-fuzz", ...fastConsumer });
    await consumer.connect();
    const seen: Received[] = [];
    await collect(consumer, ["after-fuzz"], seen);
    await waitFor(() => seen.length === 1, "the post-fuzz message", 15_000);
    await consumer.disconnect();
    expect(seen[0]).toMatchObject({ key: "still", value: Buffer.from("alive") });
  });
});

// Durability: topics, records and committed offsets survive restarts; a hard kill's torn tail is cut
// off on replay; retention deletes old segments.

import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { fastConsumer, startTestBroker, type TestBroker, tempDir, testKafka } from "../testing/broker.ts";
import { collect, type Received } from "../testing/records.ts";
import { waitFor } from "../testing/wait.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const running: TestBroker[] = [];
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  for (const b of running.splice(0)) await b.stop();
});

async function start(dataDir: string, extra: Parameters<typeof startTestBroker>[0] = {}) {
  const broker = await startTestBroker({ dataDir, ...extra });
  running.push(broker);
  return broker;
}

async function stop(broker: TestBroker) {
  running.splice(running.indexOf(broker), 1);
  await broker.stop();
}

async function consumeAll(broker: TestBroker, topic: string, groupId: string, expected: number) {
  const consumer = testKafka(broker.address).consumer({ groupId, ...fastConsumer });
  await consumer.connect();
  const seen: Received[] = [];
  await collect(consumer, [topic], seen);
  await waitFor(() => seen.length >= expected, `${expected} records from ${topic}`, 15_000);
  await new Promise((r) => setTimeout(r, 150));
  await consumer.disconnect();
  return seen;
}

describe("broker durability", () => {
  it("resumes a consumer group from its committed offsets after a restart", async () => {
    const dir = tempDir();
    let broker = await start(dir);
    let producer = testKafka(broker.address).producer();
    await producer.connect();
    await producer.send({
      topic: "audit",
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `old-${i}` })),
    });
    await producer.disconnect();
    expect(await consumeAll(broker, "audit", "auditors", 10)).toHaveLength(10);
    await stop(broker);

    broker = await start(dir);
    producer = testKafka(broker.address).producer();
    await producer.connect();
    await producer.send({
      topic: "audit",
      messages: Array.from({ length: 5 }, (_, i) => ({ value: `new-${i}` })),
    });
    await producer.disconnect();
    const seen = await consumeAll(broker, "audit", "auditors", 5);
    expect(seen.map((s) => String(s.value)).sort()).toEqual(["new-0", "new-1", "new-2", "new-3", "new-4"]);
  });

  it("remembers created and deleted topics across restarts", async () => {
    const dir = tempDir();
    let broker = await start(dir);
    let admin = testKafka(broker.address).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "kept", numPartitions: 5 }, { topic: "dropped" }] });
    await admin.deleteTopics({ topics: ["dropped"] });
    await admin.disconnect();
    await stop(broker);

    broker = await start(dir, { autoCreateTopics: false });
    admin = testKafka(broker.address).admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    expect((await admin.listTopics()).sort()).toEqual(["kept"]);
    const meta = await admin.fetchTopicMetadata({ topics: ["kept"] });
    expect(meta.topics[0]!.partitions).toHaveLength(5);
  });

  it("replays the log after a hard kill, cutting off a torn tail and continuing at the right offset", async () => {
    const dir = tempDir();
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(here, "cli.ts"), "--port", "0", "--data-dir", dir],
      {
        stdio: ["ignore", "pipe", "ignore"],
      },
    );
    cleanups.push(async () => void child.kill("SIGKILL"));
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        const m = /listening on [^:]+:(\d+)/.exec(d.toString());
        if (m) resolve(Number(m[1]));
      });
      child.on("exit", () => reject(new Error("broker process exited early")));
    });
    const producer = testKafka(`127.0.0.1:${port}`).producer();
    await producer.connect();
    for (let i = 0; i < 5; i++) {
      const messages = Array.from({ length: 20 }, (_, j) => ({ value: `v${i * 20 + j}` }));
      await producer.send({ topic: "crashy", messages: messages.map((m) => ({ ...m, partition: 0 })) });
    }
    await producer.disconnect();
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));

    // Simulate the kill landing mid-write: half a batch header plus garbage after the last batch.
    const segment = path.join(dir, "topics", "crashy", "0", "00000000000000000000.log");
    const intact = fs.statSync(segment).size;
    const torn = Buffer.alloc(40, 0xab);
    torn.writeBigInt64BE(100n, 0);
    torn.writeInt32BE(500, 8);
    fs.appendFileSync(segment, torn);

    const broker = await start(dir);
    expect(fs.statSync(segment).size).toBe(intact);
    const admin = testKafka(broker.address).admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const offsets = await admin.fetchTopicOffsets("crashy");
    expect(offsets.find((o) => o.partition === 0)).toMatchObject({ low: "0", high: "100" });

    const again = testKafka(broker.address).producer();
    await again.connect();
    const [result] = await again.send({ topic: "crashy", messages: [{ value: "after", partition: 0 }] });
    await again.disconnect();
    expect(result!.baseOffset).toBe("100");
    const seen = await consumeAll(broker, "crashy", "replayers", 101);
    expect(seen.map((s) => Number(s.offset))).toEqual(Array.from({ length: 101 }, (_, i) => i));
  });

  it("deletes the oldest segments once a partition exceeds its retention size", async () => {
    const broker = await start(tempDir(), {
      retentionBytes: 64 * 1024,
      segmentBytes: 16 * 1024,
      retentionMs: 3_600_000,
    });
    const producer = testKafka(broker.address).producer();
    await producer.connect();
    const value = "x".repeat(1024);
    for (let i = 0; i < 20; i++) {
      await producer.send({
        topic: "bounded",
        messages: Array.from({ length: 10 }, () => ({ value, partition: 0 })),
      });
    }
    await producer.disconnect();
    const admin = testKafka(broker.address).admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    let low = 0;
    const deadline = Date.now() + 5000;
    while (low === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      low = Number((await admin.fetchTopicOffsets("bounded")).find((o) => o.partition === 0)!.low);
    }
    expect(low).toBeGreaterThan(0);
    const offsets = await admin.fetchTopicOffsets("bounded");
    expect(offsets.find((o) => o.partition === 0)!.high).toBe("200");
  });

  it("expires records older than the retention age, keeping the offsets moving forward", async () => {
    const broker = await start(tempDir(), { retentionMs: 300 });
    const producer = testKafka(broker.address).producer();
    await producer.connect();
    await producer.send({
      topic: "ephemeral",
      messages: [
        { value: "a", partition: 0 },
        { value: "b", partition: 0 },
      ],
    });
    const admin = testKafka(broker.address).admin();
    await admin.connect();
    cleanups.push(() => admin.disconnect());
    const partition0 = async () =>
      (await admin.fetchTopicOffsets("ephemeral")).find((o) => o.partition === 0)!;
    let offsets = await partition0();
    const deadline = Date.now() + 5000;
    while (offsets.low === "0" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      offsets = await partition0();
    }
    expect(offsets).toMatchObject({ low: "2", high: "2" });
    const [next] = await producer.send({ topic: "ephemeral", messages: [{ value: "c", partition: 0 }] });
    await producer.disconnect();
    expect(next!.baseOffset).toBe("2");
  });
});

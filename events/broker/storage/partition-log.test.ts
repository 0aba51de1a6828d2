// PartitionLog with asynchronous appends: a batch is readable only once its write has landed (a broker
// killed before then loses it, and no consumer may have seen it), the cache never drops a batch whose write
// has not landed, and written() means "in the file".

import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "../../testing/broker.ts";
import { baseOffsetOf, splitRecordSet } from "../records/batch.ts";
import { buildBatch } from "../records/batch-builder.ts";
import { Flusher } from "./flusher.ts";
import { PartitionLog } from "./partition-log.ts";

const flushers: Flusher[] = [];
const logs: PartitionLog[] = [];
afterEach(async () => {
  for (const log of logs.splice(0)) log.close();
  for (const f of flushers.splice(0)) await f.shutdown();
});

function openLog(
  dir: string,
  cacheBytes: number,
  onReadable: (log: PartitionLog) => void = () => {},
  segmentBytes = 1 << 20,
): PartitionLog {
  const flusher = new Flusher("never", (err) => {
    throw err;
  });
  flushers.push(flusher);
  const log = new PartitionLog(dir, {
    segmentBytes,
    cacheBytes,
    retentionBytes: undefined,
    flusher,
    onTruncate: () => {},
    onReadable,
  });
  logs.push(log);
  return log;
}

const batch = (value: string) => splitRecordSet(buildBatch([{ value }]));

/** Occupies every libuv thread-pool thread for a while, so queued file writes cannot start yet. */
function occupyThreadPool(): Promise<unknown> {
  const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const pbkdf2 = promisify(crypto.pbkdf2);
  return Promise.all(Array.from({ length: threads }, () => pbkdf2("busy", "salt", 200_000, 64, "sha512")));
}

describe("PartitionLog", () => {
  it("lets no reader see a batch before its write lands, then serves it from memory", async () => {
    // A 1-byte cache evicts everything it may; unwritten batches must survive that.
    const dir = tempDir("partition-log-");
    const readable: number[] = [];
    const log = openLog(dir, 1, (l) => readable.push(l.highWatermark));
    const busy = occupyThreadPool();
    for (let i = 0; i < 50; i++) log.append(batch(`record ${i}`));
    // Nothing has reached the file yet: offsets are taken, but nothing is readable or listed.
    expect(fs.statSync(path.join(dir, fs.readdirSync(dir)[0]!)).size).toBe(0);
    expect(log.nextOffset).toBe(50);
    expect(log.highWatermark).toBe(0);
    expect(log.read(0, Number.POSITIVE_INFINITY).records).toBe(0);
    expect(log.offsetForTimestamp(0)).toBeUndefined();

    await busy;
    await log.written();
    expect(log.highWatermark).toBe(50);
    expect(readable.at(-1)).toBe(50);
    expect(readable).toEqual([...readable].sort((a, b) => a - b));
    const read = log.read(0, Number.POSITIVE_INFINITY);
    expect(read.records).toBe(50);
    const all = Buffer.concat(read.chunks);
    expect(baseOffsetOf(all)).toBe(0);
    expect(all.includes(Buffer.from("record 49"))).toBe(true);
  });

  it("moves the high watermark in offset order when a rolled segment's writes land before the older one's", async () => {
    const dir = tempDir("partition-log-");
    const log = openLog(dir, 1 << 20, () => {}, 256);
    const busy = occupyThreadPool();
    for (let i = 0; i < 40; i++) log.append(batch(`record ${i} ${"x".repeat(40)}`));
    expect(fs.readdirSync(dir).length).toBeGreaterThan(2);
    await busy;
    await log.written();
    expect(log.highWatermark).toBe(40);
    expect(log.read(0, Number.POSITIVE_INFINITY).records).toBe(40);
  });

  it("has every appended byte in the segment file once written() resolves, and replays it on reopen", async () => {
    const dir = tempDir("partition-log-");
    const log = openLog(dir, 1);
    for (let i = 0; i < 20; i++) log.append(batch(`record ${i}`));
    await log.written();

    const [segment] = fs.readdirSync(dir);
    const file = fs.readFileSync(path.join(dir, segment!));
    expect(file.includes(Buffer.from("record 19"))).toBe(true);

    // Now evicted from the 1-byte cache, old batches come back from the file.
    const old = log.read(3, Number.POSITIVE_INFINITY);
    expect(baseOffsetOf(Buffer.concat(old.chunks))).toBe(3);

    log.close();
    logs.splice(logs.indexOf(log), 1);
    const reopened = openLog(dir, 1);
    expect(reopened.nextOffset).toBe(20);
    expect(reopened.highWatermark).toBe(20);
  });
});

// Fetch v4: returns whole stored batches by reference and long-polls until min_bytes arrive or
// max_wait_ms runs out. An empty record set is written as zero length, never null (librdkafka).

import type { BrokerContext, RequestInfo } from "../context.ts";
import { ErrorCode } from "../protocol/api.ts";
import type { Reader } from "../protocol/reader.ts";
import { Writer } from "../protocol/writer.ts";
import { OffsetOutOfRange, type PartitionLog } from "../storage/partition-log.ts";

interface FetchPartition {
  partition: number;
  offset: number;
  maxBytes: number;
}

interface FetchTopic {
  name: string;
  partitions: FetchPartition[];
}

export async function handleFetch(ctx: BrokerContext, _req: RequestInfo, r: Reader): Promise<Writer> {
  r.int32();
  const maxWait = Math.min(Math.max(r.int32(), 0), 60_000);
  const minBytes = r.int32();
  const maxBytes = r.int32();
  r.int8();
  const topics: FetchTopic[] = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => ({ partition: r.int32(), offset: r.int64(), maxBytes: r.int32() })),
  }));

  const deadline = Date.now() + maxWait;
  for (;;) {
    const built = build(ctx, topics, maxBytes);
    const left = deadline - Date.now();
    if (built.size >= minBytes || built.failed || left <= 0 || built.logs.length === 0) {
      ctx.counters.recordsOut += built.records;
      return built.writer;
    }
    await ctx.waiters.wait(built.logs, left);
  }
}

function build(ctx: BrokerContext, topics: FetchTopic[], maxBytes: number) {
  const w = new Writer();
  const logs: PartitionLog[] = [];
  let size = 0;
  let records = 0;
  let failed = false;
  w.int32(0);
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      const log = ctx.topics.partition(t.name, p.partition);
      let error: number = ErrorCode.NONE;
      let chunks: Buffer[] = [];
      let bytes = 0;
      if (!log) error = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
      else if (p.maxBytes < 0) error = ErrorCode.INVALID_FETCH_SIZE;
      else {
        logs.push(log);
        const budget = maxBytes - size;
        if (budget > 0 && p.offset !== log.highWatermark) {
          try {
            const read = log.read(
              p.offset,
              Math.min(p.maxBytes, budget),
              size === 0 ? Number.POSITIVE_INFINITY : budget,
            );
            chunks = read.chunks;
            bytes = read.size;
            records += read.records;
          } catch (err) {
            if (!(err instanceof OffsetOutOfRange)) throw err;
            error = ErrorCode.OFFSET_OUT_OF_RANGE;
          }
        }
      }
      if (error !== ErrorCode.NONE) failed = true;
      const hw = log ? log.highWatermark : -1;
      w.int32(p.partition).int16(error).int64(hw).int64(hw).int32(0);
      w.int32(bytes);
      for (const c of chunks) w.raw(c);
      size += bytes;
    });
  });
  return { writer: w, logs, size, records, failed };
}

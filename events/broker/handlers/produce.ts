// Produce v3: validates each RecordBatch v2, rewrites only its base offset, appends it as is and
// wakes parked fetches at once. acks=1 and acks=-1 are answered once the batches are in the file,
// acks=-1 under fsync "always" only once they are on disk (group commit).

import type { BrokerContext, RequestInfo } from "../context.ts";
import { ErrorCode } from "../protocol/api.ts";
import type { Reader } from "../protocol/reader.ts";
import { Writer } from "../protocol/writer.ts";
import { CorruptBatchError, splitRecordSet } from "../records/batch.ts";
import type { PartitionLog } from "../storage/partition-log.ts";

interface PartitionResult {
  partition: number;
  error: number;
  baseOffset: number;
  /** Set when the batches were accepted: the log whose write the answer waits for. */
  log?: PartitionLog;
}

export async function handleProduce(
  ctx: BrokerContext,
  _req: RequestInfo,
  r: Reader,
): Promise<Writer | null> {
  const transactionalId = r.nullableString();
  const acks = r.int16();
  r.int32();
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => ({ partition: r.int32(), records: r.nullableBytes() })),
  }));

  const results = topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p): PartitionResult => {
      const fail = (error: number) => ({ partition: p.partition, error, baseOffset: -1 });
      if (acks !== 0 && acks !== 1 && acks !== -1) return fail(ErrorCode.INVALID_REQUIRED_ACKS);
      if (transactionalId !== null) return fail(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
      const log = ctx.topics.partition(t.name, p.partition);
      if (!log) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      if (!p.records) return fail(ErrorCode.CORRUPT_MESSAGE);
      try {
        const batches = splitRecordSet(p.records);
        const baseOffset = log.append(batches);
        for (const b of batches) ctx.counters.recordsIn += b.recordCount;
        return { partition: p.partition, error: ErrorCode.NONE, baseOffset, log };
      } catch (err) {
        if (err instanceof CorruptBatchError) return fail(ErrorCode.CORRUPT_MESSAGE);
        ctx.logger.error("append failed", { topic: t.name, partition: p.partition, error: String(err) });
        return fail(ErrorCode.KAFKA_STORAGE_ERROR);
      }
    }),
  }));

  if (acks === 0) return null;
  await waitForWrites(ctx, results);
  if (acks === -1) await ctx.flusher.durable();

  const w = new Writer();
  w.array(results, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => w.int32(p.partition).int16(p.error).int64(p.baseOffset).int64(-1));
  });
  return w.int32(0);
}

/** Turns a partition whose write failed after it was accepted into KAFKA_STORAGE_ERROR. */
async function waitForWrites(
  ctx: BrokerContext,
  results: Array<{ name: string; partitions: PartitionResult[] }>,
): Promise<void> {
  const writes = results.flatMap((t) =>
    t.partitions.map(async (p) => {
      try {
        await p.log?.written();
      } catch (err) {
        ctx.logger.error("append failed", { topic: t.name, partition: p.partition, error: String(err) });
        p.error = ErrorCode.KAFKA_STORAGE_ERROR;
        p.baseOffset = -1;
      }
    }),
  );
  await Promise.all(writes);
}

// ListOffsets v1: -1 is the log end (latest), -2 the log start (earliest), anything else a timestamp.
// This is what auto.offset.reset and admin.fetchTopicOffsets are built on.

import type { BrokerContext, RequestInfo } from "../context.ts";
import { ErrorCode } from "../protocol/api.ts";
import type { Reader } from "../protocol/reader.ts";
import { Writer } from "../protocol/writer.ts";

const LATEST = -1;
const EARLIEST = -2;

export function handleListOffsets(ctx: BrokerContext, _req: RequestInfo, r: Reader): Writer {
  r.int32();
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => ({ partition: r.int32(), timestamp: r.int64() })),
  }));
  const w = new Writer();
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      const log = ctx.topics.partition(t.name, p.partition);
      w.int32(p.partition);
      if (!log) {
        w.int16(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).int64(-1).int64(-1);
      } else if (p.timestamp === LATEST) {
        w.int16(ErrorCode.NONE).int64(-1).int64(log.highWatermark);
      } else if (p.timestamp === EARLIEST) {
        w.int16(ErrorCode.NONE).int64(-1).int64(log.logStartOffset);
      } else {
        const offset = log.offsetForTimestamp(p.timestamp);
        w.int16(ErrorCode.NONE)
          .int64(offset === undefined ? -1 : p.timestamp)
          .int64(offset ?? -1);
      }
    });
  });
  return w;
}

// Metadata v0-4: this node as the only broker and the leader of every partition.
// Asking for a missing topic auto-creates it when the broker and (v4) the client allow it.

import { type BrokerContext, CLUSTER_ID, NODE_ID, type RequestInfo } from "../context.ts";
import { ErrorCode } from "../protocol/api.ts";
import type { Reader } from "../protocol/reader.ts";
import { Writer } from "../protocol/writer.ts";

export function handleMetadata(ctx: BrokerContext, req: RequestInfo, r: Reader): Writer {
  const v = req.version;
  const requested = r.nullableArray((r) => r.string());
  const allowAutoCreate = v >= 4 ? r.bool() : true;
  const wantAll = requested === null || (v === 0 && requested.length === 0);
  const names = wantAll ? [...ctx.topics.topics.keys()] : requested;

  const w = new Writer();
  if (v >= 3) w.int32(0);
  w.int32(1).int32(NODE_ID).string(ctx.host).int32(ctx.port);
  if (v >= 1) w.nullableString(null);
  if (v >= 2) w.nullableString(CLUSTER_ID);
  if (v >= 1) w.int32(NODE_ID);
  w.array(names, (w, name) => {
    const topic = ctx.topics.getOrCreate(name, allowAutoCreate);
    const error = typeof topic === "number" ? topic : ErrorCode.NONE;
    w.int16(error).string(name);
    if (v >= 1) w.bool(false);
    const partitions = typeof topic === "number" ? [] : topic.partitions;
    w.int32(partitions.length);
    for (let i = 0; i < partitions.length; i++) {
      // error, partition, leader, replicas [self], isr [self]
      w.int16(ErrorCode.NONE).int32(i).int32(NODE_ID).int32(1).int32(NODE_ID).int32(1).int32(NODE_ID);
    }
  });
  return w;
}

// OffsetCommit v2-3 and OffsetFetch v1-3: committed consumer positions, validated against the
// group's membership and generation so a member that lost its partitions cannot overwrite them.

import { type BrokerContext, type RequestInfo, throttle } from "../context.ts";
import { ErrorCode } from "../protocol/api.ts";
import type { Reader } from "../protocol/reader.ts";
import { Writer } from "../protocol/writer.ts";

export function handleOffsetCommit(ctx: BrokerContext, req: RequestInfo, r: Reader): Writer {
  const groupId = r.string();
  const generation = r.int32();
  const memberId = r.string();
  r.int64();
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.array((r) => ({ partition: r.int32(), offset: r.int64(), metadata: r.nullableString() })),
  }));

  const errors = new Map<string, number>();
  const accepted: Array<[string, number, number, string | null]> = [];
  for (const t of topics) {
    for (const p of t.partitions) {
      if (!ctx.topics.partition(t.name, p.partition)) {
        errors.set(`${t.name}\0${p.partition}`, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      } else accepted.push([t.name, p.partition, p.offset, p.metadata]);
    }
  }
  const groupError =
    groupId === "" ? ErrorCode.INVALID_GROUP_ID : ctx.groups.commit(groupId, memberId, generation, accepted);

  const w = throttle(new Writer(), req.version >= 3);
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, p) => {
      w.int32(p.partition).int16(errors.get(`${t.name}\0${p.partition}`) ?? groupError);
    });
  });
  return w;
}

export function handleOffsetFetch(ctx: BrokerContext, req: RequestInfo, r: Reader): Writer {
  const groupId = r.string();
  const requested = r.nullableArray((r) => ({ name: r.string(), partitions: r.array((r) => r.int32()) }));
  const topics =
    requested ?? [...ctx.groups.committedTopics(groupId)].map(([name, partitions]) => ({ name, partitions }));

  const w = throttle(new Writer(), req.version >= 3);
  w.array(topics, (w, t) => {
    w.string(t.name);
    w.array(t.partitions, (w, partition) => {
      const c = ctx.groups.committed(groupId, t.name, partition);
      w.int32(partition)
        .int64(c?.offset ?? -1)
        .nullableString(c?.metadata ?? "")
        .int16(ErrorCode.NONE);
    });
  });
  if (req.version >= 2) w.int16(ErrorCode.NONE);
  return w;
}

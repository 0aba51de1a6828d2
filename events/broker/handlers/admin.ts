// Admin APIs: CreateTopics, DeleteTopics, DescribeGroups, ListGroups and InitProducerId.

import { type BrokerContext, type RequestInfo, throttle } from "../context.ts";
import { ErrorCode } from "../protocol/api.ts";
import type { Reader } from "../protocol/reader.ts";
import { Writer } from "../protocol/writer.ts";

export function handleCreateTopics(ctx: BrokerContext, req: RequestInfo, r: Reader): Writer {
  const topics = r.array((r) => ({
    name: r.string(),
    partitions: r.int32(),
    replication: r.int16(),
    assignments: r.array((r) => ({ partition: r.int32(), replicas: r.array((r) => r.int32()) })),
    configs: r.array((r) => ({ name: r.string(), value: r.nullableString() })),
  }));
  r.int32();
  const validateOnly = req.version >= 1 ? r.bool() : false;

  const w = throttle(new Writer(), req.version >= 2);
  w.array(topics, (w, t) => {
    const partitions = t.assignments.length > 0 ? t.assignments.length : t.partitions;
    let error: number = ErrorCode.NONE;
    if (t.replication !== -1 && t.replication !== 1) error = ErrorCode.INVALID_REPLICATION_FACTOR;
    else if (validateOnly) error = ctx.topics.get(t.name) ? ErrorCode.TOPIC_ALREADY_EXISTS : ErrorCode.NONE;
    else
      error = ctx.topics.create(t.name, partitions === -1 ? ctx.topics.opts.defaultPartitions : partitions);
    w.string(t.name).int16(error);
    if (req.version >= 1) w.nullableString(null);
  });
  return w;
}

export function handleDeleteTopics(ctx: BrokerContext, req: RequestInfo, r: Reader): Writer {
  const names = r.array((r) => r.string());
  r.int32();
  const w = throttle(new Writer(), req.version >= 1);
  return w.array(names, (w, name) => w.string(name).int16(ctx.topics.delete(name)));
}

export function handleDescribeGroups(ctx: BrokerContext, req: RequestInfo, r: Reader): Writer {
  const ids = r.array((r) => r.string());
  const w = throttle(new Writer(), req.version >= 1);
  return w.array(ids, (w, id) => {
    const g = ctx.groups.get(id);
    const known = g !== undefined || ctx.groups.allGroupIds().includes(id);
    w.int16(ErrorCode.NONE).string(id);
    w.string(g ? g.state : known ? "Empty" : "Dead");
    w.string(g?.protocolType ?? "").string(g?.protocol ?? "");
    w.array([...(g?.members.values() ?? [])], (w, m) => {
      const metadata = m.protocols.find((p) => p.name === g?.protocol)?.metadata ?? Buffer.alloc(0);
      w.string(m.id).string(m.clientId).string(m.clientHost).bytes(metadata).bytes(m.assignment);
    });
  });
}

export function handleListGroups(ctx: BrokerContext, req: RequestInfo): Writer {
  const w = throttle(new Writer(), req.version >= 1).int16(ErrorCode.NONE);
  return w.array(ctx.groups.allGroupIds(), (w, id) =>
    w.string(id).string(ctx.groups.get(id)?.protocolType || "consumer"),
  );
}

let nextProducerId = Date.now() % 1_000_000_000;

export function handleInitProducerId(_ctx: BrokerContext, _req: RequestInfo, r: Reader): Writer {
  const transactionalId = r.nullableString();
  r.int32();
  const w = new Writer().int32(0);
  // Idempotent producers get an id; transactions are out of scope for this broker.
  if (transactionalId !== null)
    return w.int16(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED).int64(-1).int16(-1);
  return w.int16(ErrorCode.NONE).int64(nextProducerId++).int16(0);
}

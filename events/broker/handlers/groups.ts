// Group membership APIs: FindCoordinator, JoinGroup, SyncGroup, Heartbeat and LeaveGroup.
// JoinGroup and SyncGroup park until the rebalance they belong to completes.

import { type BrokerContext, NODE_ID, type RequestInfo, throttle } from "../context.ts";
import type { JoinResult, SyncResult } from "../groups/member.ts";
import { ErrorCode } from "../protocol/api.ts";
import type { Reader } from "../protocol/reader.ts";
import { Writer } from "../protocol/writer.ts";

const MIN_SESSION_MS = 100;
const MAX_SESSION_MS = 30 * 60_000;
const EMPTY = Buffer.alloc(0);

export function handleFindCoordinator(ctx: BrokerContext, req: RequestInfo, r: Reader): Writer {
  r.string();
  const keyType = req.version >= 1 ? r.int8() : 0;
  const w = throttle(new Writer(), req.version >= 1);
  // Only group coordination exists here; transactions are deliberately unsupported.
  const error = keyType === 0 ? ErrorCode.NONE : ErrorCode.COORDINATOR_NOT_AVAILABLE;
  w.int16(error);
  if (req.version >= 1) w.nullableString(null);
  return error === ErrorCode.NONE
    ? w.int32(NODE_ID).string(ctx.host).int32(ctx.port)
    : w.int32(-1).string("").int32(-1);
}

export async function handleJoinGroup(ctx: BrokerContext, req: RequestInfo, r: Reader): Promise<Writer> {
  const groupId = r.string();
  const sessionTimeout = r.int32();
  const rebalanceTimeout = req.version >= 1 ? r.int32() : sessionTimeout;
  const memberId = r.string();
  const protocolType = r.string();
  const protocols = r.array((r) => ({ name: r.string(), metadata: Buffer.from(r.bytes()) }));

  const result = await new Promise<JoinResult>((resolve) => {
    const fail = (error: number) =>
      resolve({ error, generation: -1, protocol: "", leaderId: "", memberId, members: [] });
    if (groupId === "") return fail(ErrorCode.INVALID_GROUP_ID);
    if (sessionTimeout < MIN_SESSION_MS || sessionTimeout > MAX_SESSION_MS) {
      return fail(ErrorCode.INVALID_SESSION_TIMEOUT);
    }
    const join = {
      memberId,
      clientId: req.clientId ?? "",
      clientHost: req.clientHost,
      sessionTimeout,
      rebalanceTimeout: Math.max(rebalanceTimeout, 1),
      protocolType,
      protocols,
    };
    ctx.groups.getOrCreate(groupId).join(join, resolve);
  });

  const w = throttle(new Writer(), req.version >= 2);
  w.int16(result.error).int32(result.generation).string(result.protocol);
  w.string(result.leaderId).string(result.memberId);
  return w.array(result.members, (w, m) => w.string(m.memberId).bytes(m.metadata));
}

export async function handleSyncGroup(ctx: BrokerContext, req: RequestInfo, r: Reader): Promise<Writer> {
  const groupId = r.string();
  const generation = r.int32();
  const memberId = r.string();
  const assignments = new Map<string, Buffer>();
  for (const a of r.array((r) => ({ memberId: r.string(), assignment: Buffer.from(r.bytes()) }))) {
    assignments.set(a.memberId, a.assignment);
  }
  const result = await new Promise<SyncResult>((resolve) => {
    const group = ctx.groups.get(groupId);
    if (!group) return resolve({ error: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    group.sync(memberId, generation, assignments, resolve);
  });
  return throttle(new Writer(), req.version >= 1)
    .int16(result.error)
    .bytes(result.assignment);
}

export function handleHeartbeat(ctx: BrokerContext, req: RequestInfo, r: Reader): Writer {
  const groupId = r.string();
  const generation = r.int32();
  const memberId = r.string();
  const group = ctx.groups.get(groupId);
  const error = group ? group.heartbeat(memberId, generation) : ErrorCode.UNKNOWN_MEMBER_ID;
  return throttle(new Writer(), req.version >= 1).int16(error);
}

export function handleLeaveGroup(ctx: BrokerContext, req: RequestInfo, r: Reader): Writer {
  const groupId = r.string();
  const memberId = r.string();
  const group = ctx.groups.get(groupId);
  const error = group ? group.leave(memberId) : ErrorCode.UNKNOWN_MEMBER_ID;
  return throttle(new Writer(), req.version >= 1).int16(error);
}

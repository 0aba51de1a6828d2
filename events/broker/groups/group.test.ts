// The rebalance state machine in isolation, on fake timers: generations, leaders, timeouts and
// the error codes each stale call gets.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ErrorCode } from "../protocol/api.ts";
import { Group } from "./group.ts";
import type { JoinRequest, JoinResult, SyncResult } from "./member.ts";

const noEvents = { rebalanced: () => {}, memberRemoved: () => {} };

function request(memberId = "", protocols = ["range"]): JoinRequest {
  return {
    memberId,
    clientId: "c",
    clientHost: "h",
    sessionTimeout: 1000,
    rebalanceTimeout: 2000,
    protocolType: "consumer",
    protocols: protocols.map((name) => ({ name, metadata: Buffer.from(name) })),
  };
}

function join(group: Group, req: JoinRequest): { result?: JoinResult } {
  const box: { result?: JoinResult } = {};
  group.join(req, (r) => {
    box.result = r;
  });
  return box;
}

function sync(group: Group, memberId: string, generation: number, assignments = new Map<string, Buffer>()) {
  const box: { result?: SyncResult } = {};
  group.sync(memberId, generation, assignments, (r) => {
    box.result = r;
  });
  return box;
}

describe("a consumer group", () => {
  let group: Group;
  beforeEach(() => {
    vi.useFakeTimers();
    group = new Group("g", noEvents);
  });
  afterEach(() => {
    group.close();
    vi.useRealTimers();
  });

  it("completes the first join at once and makes the only member leader of generation 1", () => {
    const a = join(group, request());
    expect(a.result).toMatchObject({ error: 0, generation: 1, protocol: "range" });
    expect(a.result!.leaderId).toBe(a.result!.memberId);
    expect(a.result!.members).toHaveLength(1);
    expect(group.state).toBe("CompletingRebalance");
  });

  it("hands out the leader's assignments on sync and becomes stable", () => {
    const a = join(group, request()).result!;
    const s = sync(group, a.memberId, 1, new Map([[a.memberId, Buffer.from("p0")]]));
    expect(s.result).toEqual({ error: 0, assignment: Buffer.from("p0") });
    expect(group.state).toBe("Stable");
    expect(group.heartbeat(a.memberId, 1)).toBe(ErrorCode.NONE);
  });

  it("waits for existing members to rejoin when a second member arrives", () => {
    const a = join(group, request()).result!;
    sync(group, a.memberId, 1);
    const b = join(group, request());
    expect(b.result).toBeUndefined();
    expect(group.heartbeat(a.memberId, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
    const a2 = join(group, request(a.memberId));
    expect(a2.result).toMatchObject({ error: 0, generation: 2, leaderId: a.memberId });
    expect(a2.result!.members).toHaveLength(2);
    expect(b.result).toMatchObject({ error: 0, generation: 2, members: [] });
  });

  it("drops a member that does not rejoin within the rebalance timeout", () => {
    const a = join(group, request()).result!;
    sync(group, a.memberId, 1);
    const b = join(group, request());
    vi.advanceTimersByTime(2001);
    expect(b.result).toMatchObject({ error: 0, generation: 2 });
    expect(b.result!.leaderId).toBe(b.result!.memberId);
    expect(group.members.has(a.memberId)).toBe(false);
  });

  it("expires a silent member after its session timeout and rebalances the rest", () => {
    const a = join(group, request()).result!;
    sync(group, a.memberId, 1);
    const b = join(group, request());
    join(group, request(a.memberId));
    const bId = b.result!.memberId;
    sync(group, a.memberId, 2);
    sync(group, bId, 2);
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(500);
      group.heartbeat(bId, 2);
    }
    expect(group.members.has(a.memberId)).toBe(false);
    expect(group.state).toBe("PreparingRebalance");
    expect(group.heartbeat(bId, 2)).toBe(ErrorCode.REBALANCE_IN_PROGRESS);
  });

  it("rejects stale generations and unknown members, and commits only from current members", () => {
    const a = join(group, request()).result!;
    sync(group, a.memberId, 1);
    expect(group.heartbeat(a.memberId, 0)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(group.heartbeat("ghost", 1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(join(group, request("ghost")).result?.error).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
    expect(group.canCommit(a.memberId, 1)).toBe(ErrorCode.NONE);
    expect(group.canCommit(a.memberId, 0)).toBe(ErrorCode.ILLEGAL_GENERATION);
    expect(group.canCommit("", -1)).toBe(ErrorCode.UNKNOWN_MEMBER_ID);
  });

  it("refuses a member whose protocols share nothing with the group", () => {
    join(group, request("", ["range"]));
    expect(join(group, request("", ["sticky"])).result?.error).toBe(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  });

  it("picks the protocol most members prefer among those all support", () => {
    const a = join(group, request("", ["roundrobin", "range"])).result!;
    join(group, request("", ["range", "roundrobin"]));
    join(group, request("", ["range", "roundrobin"]));
    const rejoined = join(group, request(a.memberId, ["roundrobin", "range"]));
    expect(rejoined.result).toMatchObject({ error: 0, generation: 2, protocol: "range" });
  });

  it("becomes empty when the last member leaves, and allows standalone commits again", () => {
    const a = join(group, request()).result!;
    expect(group.leave(a.memberId)).toBe(ErrorCode.NONE);
    expect(group.state).toBe("Empty");
    expect(group.canCommit("", -1)).toBe(ErrorCode.NONE);
  });
});

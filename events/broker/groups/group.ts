// One consumer group's membership state machine (the classic Kafka rebalance protocol):
// Empty -> PreparingRebalance -> CompletingRebalance -> Stable, with generations and session timeouts.

import { randomUUID } from "node:crypto";
import { ErrorCode } from "../protocol/api.ts";
import type { GroupEvents, GroupState, JoinRequest, JoinResult, Member, SyncResult } from "./member.ts";

const EMPTY = Buffer.alloc(0);

export class Group {
  state: GroupState = "Empty";
  generation = 0;
  protocolType = "";
  protocol = "";
  leaderId = "";
  readonly members = new Map<string, Member>();
  private rebalanceTimer: NodeJS.Timeout | undefined;
  private rebalanceReason = "";

  constructor(
    readonly id: string,
    private readonly events: GroupEvents,
  ) {}

  join(req: JoinRequest, reply: (r: JoinResult) => void): void {
    const fail = (error: number) =>
      reply({ error, generation: -1, protocol: "", leaderId: "", memberId: req.memberId, members: [] });
    if (req.memberId !== "" && !this.members.has(req.memberId)) {
      fail(ErrorCode.UNKNOWN_MEMBER_ID);
      return;
    }
    if (req.protocols.length === 0 || !this.acceptsProtocols(req)) {
      fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
      return;
    }
    let member = this.members.get(req.memberId);
    if (!member) {
      member = {
        id: `${req.clientId}-${randomUUID()}`,
        clientId: req.clientId,
        clientHost: req.clientHost,
        sessionTimeout: req.sessionTimeout,
        rebalanceTimeout: req.rebalanceTimeout,
        protocols: req.protocols,
        assignment: EMPTY,
        onJoin: undefined,
        onSync: undefined,
        sessionTimer: undefined,
      };
      this.members.set(member.id, member);
      if (this.members.size === 1) this.protocolType = req.protocolType;
    }
    member.sessionTimeout = req.sessionTimeout;
    member.rebalanceTimeout = req.rebalanceTimeout;
    member.protocols = req.protocols;
    member.onJoin?.({ ...failure(ErrorCode.REBALANCE_IN_PROGRESS), memberId: member.id });
    member.onJoin = reply;
    this.touch(member);
    if (this.state !== "PreparingRebalance") this.prepareRebalance(`member ${member.id} joined`);
    this.maybeCompleteJoin();
  }

  sync(
    memberId: string,
    generation: number,
    assignments: Map<string, Buffer>,
    reply: (r: SyncResult) => void,
  ) {
    const member = this.members.get(memberId);
    if (!member) return reply({ error: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    if (generation !== this.generation)
      return reply({ error: ErrorCode.ILLEGAL_GENERATION, assignment: EMPTY });
    if (this.state === "PreparingRebalance") {
      return reply({ error: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
    }
    this.touch(member);
    if (this.state === "Stable") return reply({ error: ErrorCode.NONE, assignment: member.assignment });
    member.onSync = reply;
    if (memberId !== this.leaderId) return;
    for (const m of this.members.values()) m.assignment = assignments.get(m.id) ?? EMPTY;
    this.state = "Stable";
    for (const m of this.members.values()) {
      m.onSync?.({ error: ErrorCode.NONE, assignment: m.assignment });
      m.onSync = undefined;
    }
  }

  heartbeat(memberId: string, generation: number): number {
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generation !== this.generation) return ErrorCode.ILLEGAL_GENERATION;
    this.touch(member);
    return this.state === "PreparingRebalance" ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  leave(memberId: string): number {
    if (!this.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.remove(memberId, "left the group");
    return ErrorCode.NONE;
  }

  /** Whether a member may commit offsets now; a generation of -1 is a standalone (non-member) commit. */
  canCommit(memberId: string, generation: number): number {
    if (generation < 0 && memberId === "" && this.members.size === 0) return ErrorCode.NONE;
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generation !== this.generation) return ErrorCode.ILLEGAL_GENERATION;
    if (this.state === "CompletingRebalance") return ErrorCode.REBALANCE_IN_PROGRESS;
    this.touch(member);
    return ErrorCode.NONE;
  }

  close(): void {
    clearTimeout(this.rebalanceTimer);
    for (const m of this.members.values()) clearTimeout(m.sessionTimer);
  }

  private acceptsProtocols(req: JoinRequest): boolean {
    const others = [...this.members.values()].filter((m) => m.id !== req.memberId);
    if (others.length === 0) return true;
    if (req.protocolType !== this.protocolType) return false;
    return req.protocols.some((p) => others.every((m) => m.protocols.some((q) => q.name === p.name)));
  }

  private touch(member: Member): void {
    clearTimeout(member.sessionTimer);
    member.sessionTimer = setTimeout(() => {
      // A member parked in JoinGroup or SyncGroup is alive by definition.
      if (member.onJoin || member.onSync) return this.touch(member);
      this.remove(member.id, "session timeout");
    }, member.sessionTimeout);
  }

  private remove(memberId: string, reason: string): void {
    const member = this.members.get(memberId);
    if (!member) return;
    clearTimeout(member.sessionTimer);
    this.members.delete(memberId);
    member.onJoin?.({ ...failure(ErrorCode.UNKNOWN_MEMBER_ID), memberId });
    member.onSync?.({ error: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    this.events.memberRemoved(this, memberId, reason);
    if (this.state === "PreparingRebalance") this.maybeCompleteJoin();
    else if (this.members.size === 0) this.becomeEmpty();
    else this.prepareRebalance(`member ${memberId} ${reason}`);
  }

  private prepareRebalance(reason: string): void {
    for (const m of this.members.values()) {
      m.onSync?.({ error: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      m.onSync = undefined;
    }
    this.state = "PreparingRebalance";
    this.rebalanceReason = reason;
    const timeout = Math.max(...[...this.members.values()].map((m) => m.rebalanceTimeout));
    clearTimeout(this.rebalanceTimer);
    this.rebalanceTimer = setTimeout(() => this.completeJoin(), timeout);
  }

  private maybeCompleteJoin(): void {
    if (this.state !== "PreparingRebalance") return;
    for (const m of this.members.values()) if (!m.onJoin) return;
    this.completeJoin();
  }

  private completeJoin(): void {
    clearTimeout(this.rebalanceTimer);
    for (const m of [...this.members.values()]) {
      if (!m.onJoin) {
        clearTimeout(m.sessionTimer);
        this.members.delete(m.id);
        this.events.memberRemoved(this, m.id, "did not rejoin in time");
      }
    }
    if (this.members.size === 0) {
      this.becomeEmpty();
      return;
    }
    this.generation++;
    this.protocol = this.chooseProtocol();
    if (!this.members.has(this.leaderId)) this.leaderId = this.members.keys().next().value!;
    this.state = "CompletingRebalance";
    for (const m of this.members.values()) {
      const isLeader = m.id === this.leaderId;
      const members = isLeader
        ? [...this.members.values()].map((o) => ({ memberId: o.id, metadata: metadataOf(o, this.protocol) }))
        : [];
      const onJoin = m.onJoin!;
      m.onJoin = undefined;
      this.touch(m);
      onJoin({
        error: ErrorCode.NONE,
        generation: this.generation,
        protocol: this.protocol,
        leaderId: this.leaderId,
        memberId: m.id,
        members,
      });
    }
    this.events.rebalanced(this, this.rebalanceReason);
  }

  private becomeEmpty(): void {
    clearTimeout(this.rebalanceTimer);
    this.generation++;
    this.state = "Empty";
    this.protocol = "";
    this.leaderId = "";
  }

  /** Each member votes for its most preferred protocol that every member supports. */
  private chooseProtocol(): string {
    const all = [...this.members.values()];
    const common = all[0]!.protocols
      .map((p) => p.name)
      .filter((n) => all.every((m) => m.protocols.some((p) => p.name === n)));
    const votes = new Map<string, number>();
    for (const m of all) {
      const pick = m.protocols.find((p) => common.includes(p.name));
      if (pick) votes.set(pick.name, (votes.get(pick.name) ?? 0) + 1);
    }
    let best = common[0] ?? "";
    for (const [name, n] of votes) if (n > (votes.get(best) ?? 0)) best = name;
    return best;
  }
}

function metadataOf(m: Member, protocol: string): Buffer {
  return m.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY;
}

function failure(error: number): JoinResult {
  return { error, generation: -1, protocol: "", leaderId: "", memberId: "", members: [] };
}

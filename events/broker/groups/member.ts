// The shapes a group's members and its join/sync calls are made of.

import type { Group } from "./group.ts";

export type GroupState = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable";

export interface JoinRequest {
  memberId: string;
  clientId: string;
  clientHost: string;
  sessionTimeout: number;
  rebalanceTimeout: number;
  protocolType: string;
  protocols: Array<{ name: string; metadata: Buffer }>;
}

export interface JoinResult {
  error: number;
  generation: number;
  protocol: string;
  leaderId: string;
  memberId: string;
  members: Array<{ memberId: string; metadata: Buffer }>;
}

export type SyncResult = { error: number; assignment: Buffer };

export interface Member {
  id: string;
  clientId: string;
  clientHost: string;
  sessionTimeout: number;
  rebalanceTimeout: number;
  protocols: Array<{ name: string; metadata: Buffer }>;
  assignment: Buffer;
  onJoin: ((r: JoinResult) => void) | undefined;
  onSync: ((r: SyncResult) => void) | undefined;
  sessionTimer: NodeJS.Timeout | undefined;
}

export interface GroupEvents {
  rebalanced(group: Group, reason: string): void;
  memberRemoved(group: Group, memberId: string, reason: string): void;
}

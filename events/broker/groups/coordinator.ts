// Group coordinator: owns every consumer group, routes membership calls to it,
// and stores committed offsets durably through the metadata log.

import type { BrokerLogger } from "../logger.ts";
import { ErrorCode } from "../protocol/api.ts";
import { type CommittedOffset, MetaStore } from "../storage/meta-store.ts";
import { Group } from "./group.ts";

export class GroupCoordinator {
  readonly groups = new Map<string, Group>();
  rebalances = 0;

  constructor(
    private readonly meta: MetaStore,
    private readonly logger: BrokerLogger,
  ) {}

  get(id: string): Group | undefined {
    return this.groups.get(id);
  }

  getOrCreate(id: string): Group {
    let group = this.groups.get(id);
    if (!group) {
      group = new Group(id, {
        rebalanced: (g, reason) => {
          this.rebalances++;
          this.logger.info("group rebalanced", {
            group: g.id,
            generation: g.generation,
            protocol: g.protocol,
            members: g.members.size,
            reason,
          });
        },
        memberRemoved: (g, memberId, reason) =>
          this.logger.info("group member removed", { group: g.id, memberId, reason }),
      });
      this.groups.set(id, group);
    }
    return group;
  }

  /** Validates the committer for the whole request, then stores every offset in one log record. */
  commit(
    groupId: string,
    memberId: string,
    generation: number,
    list: Array<[string, number, number, string | null]>,
  ): number {
    const group = this.groups.get(groupId);
    if (group) {
      const error = group.canCommit(memberId, generation);
      if (error !== ErrorCode.NONE) return error;
    } else if (generation >= 0) {
      return ErrorCode.ILLEGAL_GENERATION;
    }
    this.meta.commit(groupId, list);
    return ErrorCode.NONE;
  }

  committed(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    return this.meta.offsets.get(groupId)?.get(MetaStore.key(topic, partition));
  }

  /** Every committed offset of a group, grouped by topic. */
  committedTopics(groupId: string): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const key of this.meta.offsets.get(groupId)?.keys() ?? []) {
      const [topic, partition] = key.split("\0") as [string, string];
      const list = out.get(topic) ?? [];
      list.push(Number(partition));
      out.set(topic, list);
    }
    return out;
  }

  /** Groups that exist either as live membership or as committed offsets. */
  allGroupIds(): string[] {
    return [...new Set([...this.groups.keys(), ...this.meta.offsets.keys()])];
  }

  activeGroups(): number {
    let n = 0;
    for (const g of this.groups.values()) if (g.members.size > 0) n++;
    return n;
  }

  close(): void {
    for (const g of this.groups.values()) g.close();
  }
}

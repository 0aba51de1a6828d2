// Active subscriptions grouped by (operation, variables, viewer): each event is resolved once per group.
import { randomUUID } from "node:crypto";
import type { Viewer } from "../../../platform/auth/tokens.ts";
import type { Logger } from "../../../platform/logger.ts";
import { subscriptionDeliveries } from "../../../platform/metrics/index.ts";
import type { GatewayContext } from "../../context.ts";
import { TOO_SLOW } from "../close-codes.ts";
import type { PlannedSubscription } from "../planning/planner.ts";
import type { GatewayEvent } from "../source/event-source.ts";
import { type Delivery, SharedDelivery } from "./delivery.ts";
import { mayReceive, passesFilters } from "./matcher.ts";
import { SubscriberStream } from "./stream.ts";

export type EntityResolver = (
  planned: PlannedSubscription,
  event: GatewayEvent,
  context: GatewayContext,
) => Promise<Delivery>;

export interface HubOptions {
  resolve: EntityResolver;
  logger: Logger;
  maxInFlight?: number;
  maxQueuePerSubscriber?: number;
  clockToleranceMs?: number;
  now?: () => number;
}

interface Member {
  stream: SubscriberStream;
  context: GatewayContext;
  /** Per partition: live events at or below were already delivered (a cursor from a gateway further ahead). */
  skip?: Map<number, bigint>;
  /** Closes the subscriber's transport with a documented code (see close-codes.ts). */
  terminate?: (closeCode: number, reason: string) => void;
  admit?: (event: GatewayEvent) => boolean;
}

export interface JoinOptions {
  /** Hold live events back until `release()`: a replay is queued first. */
  hold?: boolean;
  skip?: Map<number, bigint>;
  terminate?: (closeCode: number, reason: string) => void;
  /**
   * Asked when a live event is about to be queued (after a held replay, at release): false drops it, a
   * copy of an event this subscriber already got.
   */
  admit?: (event: GatewayEvent) => boolean;
}

interface Group {
  key: string;
  planned: PlannedSubscription;
  viewer: Viewer | null;
  members: Set<Member>;
}

const expired = {
  errors: [
    {
      message: "The access token has expired; subscribe again with a fresh token.",
      extensions: { code: "UNAUTHENTICATED" },
    },
  ],
};

export class SubscriptionHub {
  private readonly groups = new Map<string, Group>();
  private readonly byTopic = new Map<string, Set<Group>>();
  private inFlight = 0;
  private readonly slots: (() => void)[] = [];

  constructor(private readonly options: HubOptions) {}

  /** Registers a subscriber; the stream unregisters itself when the client completes or disconnects. */
  subscribe(planned: PlannedSubscription, context: GatewayContext, join: JoinOptions = {}): SubscriberStream {
    let group = this.groups.get(planned.groupKey);
    if (!group) {
      group = { key: planned.groupKey, planned, viewer: context.viewer, members: new Set() };
      this.groups.set(group.key, group);
      const topic = planned.binding.topic;
      if (!this.byTopic.has(topic)) this.byTopic.set(topic, new Set());
      this.byTopic.get(topic)!.add(group);
    }
    const joined = group;
    const { terminate } = join;
    const member: Member = {
      context,
      skip: join.skip,
      terminate,
      admit: join.admit,
      stream: new SubscriberStream({
        maxQueue: this.options.maxQueuePerSubscriber ?? 1000,
        onClose: () => this.leave(joined, member),
        hold: join.hold,
        onOverflow: terminate && (() => terminate(TOO_SLOW.code, TOO_SLOW.reason)),
      }),
    };
    group.members.add(member);
    return member.stream;
  }

  private leave(group: Group, member: Member): void {
    group.members.delete(member);
    if (group.members.size > 0) return;
    this.groups.delete(group.key);
    const topicGroups = this.byTopic.get(group.planned.binding.topic);
    topicGroups?.delete(group);
    if (topicGroups?.size === 0) this.byTopic.delete(group.planned.binding.topic);
  }

  hasSubscribers(topic: string): boolean {
    return this.byTopic.has(topic);
  }

  get subscriberCount(): number {
    let count = 0;
    for (const group of this.groups.values()) count += group.members.size;
    return count;
  }

  private isExpired(context: GatewayContext, now: number): boolean {
    if (!context.tokenExpiresAt) return false;
    return context.tokenExpiresAt.getTime() + (this.options.clockToleranceMs ?? 5000) < now;
  }

  /** Whether the event goes to this subscription at all: its argument filters and who may see the event. */
  private static matches(planned: PlannedSubscription, viewer: Viewer | null, event: GatewayEvent): boolean {
    const { binding, args } = planned;
    return passesFilters(binding, args, event.fields) && mayReceive(binding, viewer, event.fields);
  }

  /**
   * Queues the event's resolution on every matching subscriber synchronously, so each stream keeps
   * Kafka's order; it only waits (back-pressure on the consumer) while too many resolutions run.
   */
  async dispatch(event: GatewayEvent): Promise<void> {
    // Once per event, not per subscriber: thousands of members share one reading of the clock.
    const now = this.options.now?.() ?? Date.now();
    for (const group of this.byTopic.get(event.cursor.topic) ?? []) {
      if (!SubscriptionHub.matches(group.planned, group.viewer, event)) continue;
      const live: Member[] = [];
      for (const member of group.members) {
        if (member.stream.isClosed) continue;
        const seen = member.skip?.get(event.cursor.partition);
        if (seen !== undefined && BigInt(event.cursor.offset) <= seen) continue;
        if (this.isExpired(member.context, now)) member.stream.end(expired);
        else live.push(member);
      }
      const freshest = live.at(-1);
      if (!freshest) continue;
      const delivery = new SharedDelivery(this.resolve(group.planned, event, freshest.context));
      for (const member of live) {
        const { admit } = member;
        member.stream.push(delivery, admit && (() => admit(event)));
      }
      subscriptionDeliveries.inc(live.length);
    }
    await this.slot();
  }

  /**
   * A replayed event for one resuming subscriber, checked and resolved as a live one is (filters, token
   * expiry, the same limit on resolutions in flight), queued ahead of its held live events; it waits while
   * too many resolutions run or the subscriber's queue is more than half full.
   */
  async replay(
    planned: PlannedSubscription,
    context: GatewayContext,
    stream: SubscriberStream,
    event: GatewayEvent,
  ): Promise<void> {
    if (stream.isClosed || !SubscriptionHub.matches(planned, context.viewer, event)) return;
    if (this.isExpired(context, this.options.now?.() ?? Date.now())) return stream.end(expired);
    stream.pushReplayed(this.resolve(planned, event, context));
    await this.slot();
    await stream.room();
  }

  /** One resolution, counted against the limit, with a request id of its own for the subgraphs' logs. */
  private resolve(planned: PlannedSubscription, event: GatewayEvent, context: GatewayContext) {
    return this.track(this.options.resolve(planned, event, { ...context, requestId: randomUUID() }));
  }

  /** Resolves once fewer than the allowed resolutions are in flight. */
  private async slot(): Promise<void> {
    while (this.inFlight >= (this.options.maxInFlight ?? 64)) {
      await new Promise<void>((resolve) => this.slots.push(resolve));
    }
  }

  private track(resolution: Promise<Delivery>): Promise<Delivery> {
    this.inFlight++;
    const settled = resolution.catch((error: unknown) => {
      this.options.logger.error({ err: error }, "resolving a subscription event failed");
      return null;
    });
    void settled.finally(() => {
      this.inFlight--;
      this.slots.shift()?.();
    });
    return settled;
  }

  /** Closes every subscriber with a documented code (e.g. the supergraph changed); plain end without one. */
  terminateAll(closeCode: number, reason: string): void {
    for (const group of this.groups.values())
      for (const member of group.members) {
        if (member.terminate) member.terminate(closeCode, reason);
        else member.stream.end();
      }
  }

  /** Ends every stream, e.g. on shutdown. */
  close(): void {
    for (const group of this.groups.values()) for (const member of group.members) member.stream.end();
  }
}

// What each subscriber should have received for one burst, and how what it did receive compares: every
// event exactly once, in publish order per entity.

import { type EventCounts, ofScope, type Scope, STATUS_RANK, type State } from "./state.ts";
import type { ChaosSubscriber, Delivery } from "./subscribers.ts";
import type { Ledger } from "./workload.ts";

export interface Expectation {
  /** The entity a delivery is about, or undefined when it belongs to another burst. */
  keyOf(delivery: Delivery): string | undefined;
  /** How many deliveries each entity should get. */
  expected: Map<string, number>;
  /** How many times the deliveries of this burst go against publish order. */
  outOfOrder(deliveries: Delivery[]): number;
}

export interface Tally {
  delivered: number;
  duplicates: number;
  losses: number;
  outOfOrder: number;
}

/** Steps where `sequence` (the order entities were published in) goes backwards in what was received. */
function backwards(received: string[], sequence: string[]): number {
  const place = new Map(sequence.map((value, i) => [value, i]));
  const positions = received.map((value) => place.get(value)).filter((i) => i !== undefined);
  return positions.filter((p, i) => i > 0 && p < positions[i - 1]!).length;
}

/** Per entity, steps where the status received goes back in the order lifecycle. */
function statusesBackwards(pairs: { id: string; status: string }[]): number {
  const last = new Map<string, number>();
  let steps = 0;
  for (const { id, status } of pairs) {
    const rank = STATUS_RANK[status] ?? 99;
    if (rank < (last.get(id) ?? -1)) steps += 1;
    last.set(id, rank);
  }
  return steps;
}

/** A cursor's offsets (`topic:0=12,1=-1`, base64url), as a subscriber may read what it was handed. */
function offsetsOf(cursor: string | undefined): Map<string, bigint> {
  const text = Buffer.from(cursor ?? "", "base64url").toString("utf8");
  const pairs = text.slice(text.lastIndexOf(":") + 1).split(",");
  return new Map(
    pairs.filter((p) => p.includes("=")).map((p) => [p.split("=")[0]!, BigInt(p.split("=")[1]!)]),
  );
}

/**
 * Fields are resolved when delivered, so they show the entity as it is then, not as the event left it; the
 * cursor each delivery carries says where it stands in Kafka. Per entity, each delivery must stand further
 * on than the one before (a later record of its partition): not, and it came out of publish order or twice.
 */
function cursorsBackwards(deliveries: Delivery[]): number {
  const last = new Map<string, Map<string, bigint>>();
  let steps = 0;
  for (const d of deliveries) {
    const offsets = offsetsOf(d.cursor);
    const before = last.get(d.data.id);
    if (before) {
      const behind = [...before].some(([p, o]) => (offsets.get(p) ?? -1n) < o);
      const ahead = [...offsets].some(([p, o]) => o > (before.get(p) ?? -1n));
      if (behind || !ahead) steps += 1;
    }
    last.set(d.data.id, offsets);
  }
  return steps;
}

const once = (ids: string[]) => new Map(ids.map((id) => [id, 1]));

/** The expectation of each subscription field for one burst. */
export function expectations(
  scope: Scope,
  ledger: Ledger,
  state: State,
  events: { stock: EventCounts; orders: EventCounts },
): Record<string, Expectation> {
  const products = new Set([...ledger.products.map((p) => p.id), scope.orderProduct.id]);
  const orders = new Set(state.orders.map((o) => o.id));
  const notifications = new Set(state.notifications.map((n) => n.id));
  const countsOf = (ids: Set<string>, counts: EventCounts) =>
    new Map([...ids].map((id) => [id, counts.get(id) ?? 0]));
  return {
    stockChanged: {
      keyOf: (d) => (products.has(d.data.id) ? d.data.id : undefined),
      expected: countsOf(products, events.stock),
      outOfOrder: cursorsBackwards,
    },
    orderStatusChanged: {
      keyOf: (d) => (orders.has(d.data.id) ? d.data.id : undefined),
      expected: countsOf(orders, events.orders),
      outOfOrder: cursorsBackwards,
    },
    articlePublished: {
      keyOf: (d) => (ofScope(scope, d.data.title) ? d.data.id : undefined),
      expected: once(state.articles.map((a) => a.id)),
      outOfOrder: (ds) =>
        backwards(
          ds.map((d) => d.data.title),
          ledger.articles,
        ),
    },
    postPublished: {
      keyOf: (d) => (ofScope(scope, d.data.message) ? d.data.id : undefined),
      expected: once(state.posts.map((p) => p.id)),
      outOfOrder: (ds) =>
        backwards(
          ds.map((d) => d.data.message),
          ledger.posts,
        ),
    },
    notificationReceived: {
      keyOf: (d) => (notifications.has(d.data.id) ? d.data.id : undefined),
      expected: once([...notifications]),
      // An order's notifications name its statuses: they must come in the order the order went through them.
      outOfOrder: (ds) =>
        statusesBackwards(
          ds
            .filter((d) => d.data.kind === "ORDER_STATUS")
            .map((d) => ({
              id: d.data.order.id,
              status: d.data.message.replace(/^.* is now (\w+)\.$/, "$1"),
            })),
        ),
    },
  };
}

/** Deliveries of this burst to one subscriber, compared with what it should have got. */
export function tally(subscriber: ChaosSubscriber, expectation: Expectation): Tally & { missing: string[] } {
  const mine = subscriber.deliveries.filter((d) => expectation.keyOf(d) !== undefined);
  const got = new Map<string, number>();
  for (const d of mine) {
    const key = expectation.keyOf(d)!;
    got.set(key, (got.get(key) ?? 0) + 1);
  }
  let duplicates = 0;
  let losses = 0;
  const missing: string[] = [];
  for (const key of new Set([...got.keys(), ...expectation.expected.keys()])) {
    const difference = (got.get(key) ?? 0) - (expectation.expected.get(key) ?? 0);
    if (difference > 0) duplicates += difference;
    else if (difference < 0) {
      losses -= difference;
      missing.push(key);
    }
  }
  return { delivered: mine.length, duplicates, losses, outOfOrder: expectation.outOfOrder(mine), missing };
}

/** Whether every subscriber has at least what it should have: the moment to stop waiting. */
export const caughtUp = (subscriber: ChaosSubscriber, expectation: Expectation) =>
  tally(subscriber, expectation).losses === 0;

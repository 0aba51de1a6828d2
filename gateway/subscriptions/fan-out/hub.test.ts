import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../platform/logger.ts";
import type { GatewayContext } from "../../context.ts";
import { graphqlRuntime } from "../../graphql-runtime.ts";
import type { EventBinding } from "../planning/bindings.ts";
import { type PlannedSubscription, SubscriptionPlanner } from "../planning/planner.ts";
import type { GatewayEvent } from "../source/event-source.ts";
import { SubscriptionHub } from "./hub.ts";

const binding: EventBinding = {
  field: "orderStatusChanged",
  topic: "orders",
  entityField: "order",
  filters: [{ argument: "orderId", field: "orderId" }],
  owner: "customerId",
  adminSeesAll: true,
};

function planned(groupKey: string, args: Record<string, unknown> = {}): PlannedSubscription {
  return {
    binding,
    responseKey: "orderStatusChanged",
    entityQuery: { query: "query", idVariable: "__id", variables: [] },
    variables: {},
    args,
    groupKey,
  };
}

let offset = 0;
function event(orderId: string, customerId: string): GatewayEvent {
  return {
    cursor: { topic: "orders", partition: 0, offset: String(offset++) },
    id: `e${offset}`,
    entity: { typename: "Order", id: orderId },
    fields: { orderId, customerId },
  };
}

const alice: GatewayContext = {
  viewer: { id: "u1", roles: ["CUSTOMER"] },
  requestId: "r",
  authorization: "Bearer a",
};

function hubCountingResolutions(now = () => Date.now()) {
  const resolved: { entity: string; authorization?: string }[] = [];
  const hub = new SubscriptionHub({
    logger: silentLogger,
    now,
    resolve: async (_planned, e, context) => {
      resolved.push({ entity: e.entity.id, authorization: context.authorization });
      return { data: { orderStatusChanged: { id: e.entity.id } } };
    },
  });
  return { hub, resolved };
}

describe("SubscriptionHub", () => {
  it("resolves an event once for a group and gives the result to every member", async () => {
    const { hub, resolved } = hubCountingResolutions();
    const streams = [hub.subscribe(planned("g"), alice), hub.subscribe(planned("g"), alice)];
    await hub.dispatch(event("o1", "u1"));
    for (const stream of streams)
      expect((await stream.next()).value).toEqual({ data: { orderStatusChanged: { id: "o1" } } });
    expect(resolved).toHaveLength(1);
    expect(hub.subscriberCount).toBe(2);
  });

  it("applies filters and ownership before resolving anything", async () => {
    const { hub, resolved } = hubCountingResolutions();
    hub.subscribe(planned("only-o2", { orderId: "o2" }), alice);
    await hub.dispatch(event("o1", "u1"));
    await hub.dispatch(event("o2", "u2"));
    expect(resolved).toEqual([]);
  });

  it("forgets a group when its last member leaves", async () => {
    const { hub } = hubCountingResolutions();
    const stream = hub.subscribe(planned("g"), alice);
    expect(hub.hasSubscribers("orders")).toBe(true);
    await stream.return();
    expect(hub.hasSubscribers("orders")).toBe(false);
    expect(hub.subscriberCount).toBe(0);
  });

  it("ends a subscription whose token has expired instead of resolving with it", async () => {
    let now = Date.now();
    const { hub, resolved } = hubCountingResolutions(() => now);
    const stream = hub.subscribe(planned("g"), { ...alice, tokenExpiresAt: new Date(now + 1000) });
    now += 10_000;
    await hub.dispatch(event("o1", "u1"));
    expect(resolved).toEqual([]);
    expect((await stream.next()).value?.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await stream.next()).done).toBe(true);
  });

  it("makes the consumer wait while too many resolutions are running", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const hub = new SubscriptionHub({
      logger: silentLogger,
      maxInFlight: 1,
      resolve: async () => {
        await gate;
        return null;
      },
    });
    hub.subscribe(planned("g"), alice);
    let dispatched = false;
    const dispatch = hub.dispatch(event("o1", "u1")).then(() => {
      dispatched = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(dispatched).toBe(false);
    release();
    await dispatch;
    expect(dispatched).toBe(true);
  });

  it("never lets a grouped delivery cross viewers: identical operations of different users resolve apart", async () => {
    const schema = graphqlRuntime.buildSchema(`
      type Order { id: ID! status: String }
      type Query { order(id: ID!): Order }
      type Subscription { orderStatusChanged(orderId: ID, after: String): Order! }
    `);
    const planner = new SubscriptionPlanner(schema, new Map([["orderStatusChanged", binding]]));
    const source = "subscription { orderStatusChanged { id status } }";
    const plan = (viewer: GatewayContext["viewer"]) => {
      const document = graphqlRuntime.parse(source);
      const operation = graphqlRuntime.getOperationAST(document)!;
      return planner.plan({ source, document, operation, variables: {}, viewer }) as PlannedSubscription;
    };
    const bob: GatewayContext = {
      viewer: { id: "u2", roles: ["CUSTOMER"] },
      requestId: "r",
      authorization: "Bearer b",
    };
    const { hub, resolved } = hubCountingResolutions();
    const aliceStreams = [hub.subscribe(plan(alice.viewer), alice), hub.subscribe(plan(alice.viewer), alice)];
    const bobStream = hub.subscribe(plan(bob.viewer), bob);

    await hub.dispatch(event("o1", "u1"));
    await hub.dispatch(event("o2", "u2"));

    // Alice's two subscriptions share one resolution, made with her token; Bob's is his own, with his.
    expect(resolved).toEqual([
      { entity: "o1", authorization: "Bearer a" },
      { entity: "o2", authorization: "Bearer b" },
    ]);
    for (const stream of aliceStreams)
      expect((await stream.next()).value).toEqual({ data: { orderStatusChanged: { id: "o1" } } });
    expect((await bobStream.next()).value).toEqual({ data: { orderStatusChanged: { id: "o2" } } });
    // Nothing else is queued for anyone: Alice never got Bob's order, nor Bob Alice's.
    for (const stream of [...aliceStreams, bobStream]) stream.end();
    for (const stream of [...aliceStreams, bobStream]) expect((await stream.next()).done).toBe(true);
  });
});

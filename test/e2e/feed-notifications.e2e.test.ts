// feed's notifications through the gateway: the four kinds, reading and marking them, the notificationReceived
// subscription, and the email channel. accounts and blog run for real; orders' and inventory's events are
// produced here on the broker (encodeEvent + kafkajs), exactly as their outbox relays would send them.
import { randomUUID } from "node:crypto";
import { createClient } from "graphql-ws";
import { Partitioners, type Producer } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { encodeEvent } from "../../events/codec.ts";
import { createKafka } from "../../events/kafka.ts";
import { eventually } from "../../events/testing/wait.ts";
import { type EventInit, type Topic, Topics } from "../../events/topics.ts";
import { DEV_ADMIN_PASSWORD } from "../../platform/config.ts";
import type { NotificationRow } from "../../subgraphs/feed/db/schema.ts";
import type { Repositories } from "../../subgraphs/feed/repositories/index.ts";
import { expectData, graphql } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";

interface Member {
  id: string;
  token: string;
  email: string;
}

interface Note {
  id: string;
  kind: string;
  message: string;
  read: boolean;
  order: { id: string } | null;
  article: { id: string; title: string } | null;
  product: { id: string } | null;
  actor: { id: string; name: string } | null;
}

const NOTE = `id kind message read order { id } article { id title } product { id } actor { id name }`;
const NOTIFICATIONS = `query($unread: Boolean) { notifications(unreadOnly: $unread, first: 50) { ${NOTE} } }`;

describe("feed: notifications through the gateway", () => {
  let stack: Stack;
  let producer: Producer;
  let alice: Member;
  let bob: Member;
  let carol: Member;
  const emails: { notification: NotificationRow; to: string | null }[] = [];

  beforeAll(async () => {
    stack = await startStack({ subgraphs: ["accounts", "blog", "feed"] });
    const feed = stack.subgraphs.get("feed")!.repo as Repositories;
    feed.delivery.setChannel({
      send: async (notification, r) => void emails.push({ notification, to: r.email }),
    });
    producer = createKafka({ brokers: stack.broker.brokers, clientId: "feed-e2e" }).producer({
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    [alice, bob, carol] = [await register("Alice"), await register("Bob"), await register("Carol")];
  });
  afterAll(async () => {
    await producer?.disconnect();
    await stack?.stop();
  });

  async function register(name: string): Promise<Member> {
    const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
    const data = await expectData<{ register: { token: string; user: { id: string } } }>(
      stack.url,
      `mutation($input: RegisterInput!) { register(input: $input) { token user { id } } }`,
      { input: { email, name, password: "correct horse battery" } },
    );
    return { id: data.register.user.id, token: data.register.token, email };
  }

  /** What orders' or inventory's outbox relay would put on the topic. */
  async function emit<T extends Topic>(topic: T, key: string, payload: EventInit<T>, source: string) {
    await producer.send({
      topic,
      messages: [encodeEvent({ id: randomUUID(), topic, key, payload, source })],
    });
  }
  const orderStatus = (customerId: string, status: string) => {
    const orderId = randomUUID();
    const entity = { typename: "Order", id: orderId };
    return emit(
      Topics.OrderStatusChanged,
      orderId,
      { entity, orderId, customerId, status },
      "/subgraphs/orders",
    ).then(() => orderId);
  };

  const notes = async (who: Member, unread = false) =>
    (await expectData<{ notifications: Note[] }>(stack.url, NOTIFICATIONS, { unread }, who.token))
      .notifications;
  /** Notifications arrive through events: wait until `who` has one matching. */
  const awaitNote = (who: Member, match: (n: Note) => boolean) =>
    eventually(async () => (await notes(who)).find(match));

  it("tells the followee about a new follower and only followers about a published article", async () => {
    await eventually(
      async () =>
        (
          await graphql(
            stack.url,
            `mutation($id: ID!) { follow(userId: $id) { id } }`,
            { id: alice.id },
            bob.token,
          )
        ).data?.follow,
    );
    const follower = await awaitNote(alice, (n) => n.kind === "NEW_FOLLOWER");
    expect(follower).toMatchObject({
      message: "Bob started following you.",
      actor: { id: bob.id, name: "Bob" },
      read: false,
    });

    const created = await expectData<{ createArticle: { id: string } }>(
      stack.url,
      `mutation { createArticle(input: { title: "Event sourcing", content: "Why and how.", category: "eng" }) { id } }`,
      {},
      alice.token,
    );
    const articleId = created.createArticle.id;
    await expectData(
      stack.url,
      `mutation($id: ID!) { publishArticle(id: $id) { id } }`,
      { id: articleId },
      alice.token,
    );
    const news = await awaitNote(bob, (n) => n.kind === "ARTICLE_PUBLISHED");
    expect(news).toMatchObject({
      message: 'Alice published "Event sourcing".',
      article: { id: articleId, title: "Event sourcing" },
      actor: { id: alice.id, name: "Alice" },
      order: null,
    });
    expect((await notes(carol)).filter((n) => n.kind === "ARTICLE_PUBLISHED")).toEqual([]);
    expect((await notes(alice)).filter((n) => n.kind === "ARTICLE_PUBLISHED")).toEqual([]);
  });

  it("tells a user of a follower once, however often they unfollow and follow again", async () => {
    const dave = await register("Dave");
    const FOLLOW = `mutation($id: ID!) { follow(userId: $id) { id } }`;
    const UNFOLLOW = `mutation($id: ID!) { unfollow(userId: $id) { id } }`;
    // Until feed has heard of Dave from accounts, following him is NOT_FOUND (data.follow null): try again.
    await eventually(
      async () => (await graphql(stack.url, FOLLOW, { id: dave.id }, carol.token)).data?.follow,
    );
    await awaitNote(dave, (n) => n.kind === "NEW_FOLLOWER");
    for (let cycle = 0; cycle < 3; cycle++) {
      await expectData(stack.url, UNFOLLOW, { id: dave.id }, carol.token);
      await expectData(stack.url, FOLLOW, { id: dave.id }, carol.token);
    }
    // A marker event after the cycles: once it is there, every follow event before it was handled too.
    const orderId = await orderStatus(dave.id, "PAID");
    await awaitNote(dave, (n) => n.order?.id === orderId);
    await eventually(async () => {
      const followers = (await notes(dave)).filter((n) => n.kind === "NEW_FOLLOWER");
      return followers.length === 1 && followers[0]?.message === "Carol started following you.";
    });
    // Give any late duplicate the time to land, then count again.
    await new Promise((r) => setTimeout(r, 500));
    expect((await notes(dave)).filter((n) => n.kind === "NEW_FOLLOWER")).toHaveLength(1);
  });

  it("pages notifications with a cursor, past the 100 the list field stops at", async () => {
    const erin = await register("Pager");
    const ids = new Set<string>();
    for (let i = 0; i < 105; i++) ids.add(await orderStatus(erin.id, "CONFIRMED"));
    const PAGE = `query($after: String) { notificationConnection(first: 40, after: $after) { nodes { id order { id } } pageInfo { endCursor hasNextPage } } }`;
    type Page = {
      notificationConnection: {
        nodes: { id: string; order: { id: string } | null }[];
        pageInfo: { endCursor: string | null; hasNextPage: boolean };
      };
    };
    await eventually(async () => {
      const first = await expectData<Page>(stack.url, PAGE, {}, erin.token);
      return first.notificationConnection.nodes.length === 40 ? true : undefined;
    });
    const seen: string[] = [];
    await eventually(
      async () => {
        seen.length = 0;
        let after: string | null = null;
        for (;;) {
          const page: Page = await expectData<Page>(stack.url, PAGE, { after }, erin.token);
          seen.push(...page.notificationConnection.nodes.map((n) => n.order!.id));
          if (!page.notificationConnection.pageInfo.hasNextPage) break;
          after = page.notificationConnection.pageInfo.endCursor;
        }
        return seen.length === 105 ? true : undefined;
      },
      30_000,
      250,
    );
    expect(new Set(seen)).toEqual(ids);
    const bad = await graphql(stack.url, PAGE, { after: "not-a-cursor" }, erin.token);
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("tells a customer about each status change of their order, and nobody else", async () => {
    const orderId = await orderStatus(carol.id, "CONFIRMED");
    const note = await awaitNote(carol, (n) => n.order?.id === orderId);
    expect(note).toMatchObject({
      kind: "ORDER_STATUS",
      message: `Your order ${orderId.slice(0, 8)} is now CONFIRMED.`,
    });
    expect((await notes(bob)).some((n) => n.kind === "ORDER_STATUS")).toBe(false);
  });

  it("tells every admin, and only admins, about low stock", async () => {
    const login = await expectData<{ login: { token: string; user: { id: string } } }>(
      stack.url,
      `mutation($p: String!) { login(email: "admin@tributary.dev", password: $p) { token user { id } } }`,
      { p: DEV_ADMIN_PASSWORD },
    );
    const admin = { id: login.login.user.id, token: login.login.token, email: "admin@tributary.dev" };
    const erin = await register("Erin");
    await expectData(
      stack.url,
      `mutation($id: ID!) { grantRole(userId: $id, role: ADMIN) { id } }`,
      { id: erin.id },
      admin.token,
    );
    // The role change reaches feed through accounts.user.updated, on another topic than the stock event.
    const feed = stack.subgraphs.get("feed")!.repo as Repositories;
    await eventually(async () => (await feed.users.find(erin.id))?.roles.includes("ADMIN"));

    const productId = randomUUID();
    const entity = { typename: "Product", id: productId };
    await emit(
      Topics.StockLow,
      productId,
      { entity, productId, available: 2, threshold: 5 },
      "/subgraphs/inventory",
    );
    for (const who of [admin, erin]) {
      const note = await awaitNote(who, (n) => n.product?.id === productId);
      expect(note).toMatchObject({
        kind: "LOW_STOCK",
        message: `Product ${productId.slice(0, 8)} is low on stock: 2 left.`,
      });
    }
    expect((await notes(bob)).some((n) => n.kind === "LOW_STOCK")).toBe(false);
  });

  it("shows a notification to its owner only and marks the given or all of the owner's notifications read", async () => {
    await orderStatus(bob.id, "PAID");
    await awaitNote(bob, (n) => n.kind === "ORDER_STATUS");
    const [bobsNewest, bobsOlder] = await notes(bob);
    const [alices] = await notes(alice);
    const ONE = `query($id: ID!) { notification(id: $id) { id kind } }`;
    expect((await expectData(stack.url, ONE, { id: alices!.id }, bob.token)).notification).toBeNull();
    expect((await expectData(stack.url, ONE, { id: alices!.id }, alice.token)).notification).toMatchObject({
      id: alices!.id,
    });
    expect((await graphql(stack.url, NOTIFICATIONS, {})).errors?.[0]?.extensions?.code).toBe(
      "UNAUTHENTICATED",
    );

    const MARK = `mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) }`;
    expect((await graphql(stack.url, MARK, { ids: [bobsNewest!.id] })).errors?.[0]?.extensions?.code).toBe(
      "UNAUTHENTICATED",
    );
    // An id that is not one of the caller's notifications (someone else's, or none) marks nothing.
    for (const stranger of [alices!.id, "nope", randomUUID()]) {
      const refused = await graphql(stack.url, MARK, { ids: [bobsNewest!.id, stranger] }, bob.token);
      expect(refused.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    }
    expect((await notes(bob, true)).map((n) => n.id)).toEqual([bobsNewest!.id, bobsOlder!.id]);
    const some = await expectData(stack.url, MARK, { ids: [bobsNewest!.id] }, bob.token);
    expect(some).toEqual({ markNotificationsRead: 1 });
    expect((await notes(bob, true)).map((n) => n.id)).toEqual([bobsOlder!.id]);
    expect(await expectData(stack.url, MARK, {}, bob.token)).toEqual({ markNotificationsRead: 1 });
    expect(await notes(bob, true)).toEqual([]);
    expect((await notes(alice)).find((n) => n.id === alices!.id)?.read).toBe(false);
  });

  it("streams notificationReceived to its owner only, and refuses anonymous subscribers", async () => {
    const SUBSCRIPTION = `subscription { notificationReceived { id kind message order { id } } }`;
    const listen = (token?: string) => {
      const client = createClient({
        url: stack.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      });
      const received: { notificationReceived: { order: { id: string } | null } }[] = [];
      const failed = new Promise<unknown>((resolve) => {
        client.subscribe(
          { query: SUBSCRIPTION },
          { next: (m) => void received.push(m.data as never), error: resolve, complete: () => {} },
        );
      });
      return { client, received, failed };
    };
    const anonymous = listen();
    expect(await anonymous.failed).toEqual([
      expect.objectContaining({ extensions: expect.objectContaining({ code: "UNAUTHENTICATED" }) }),
    ]);
    anonymous.client.dispose();

    const forBob = listen(bob.token);
    const forAlice = listen(alice.token);
    await new Promise((r) => setTimeout(r, 300));
    const bobsOrder = await orderStatus(bob.id, "SHIPPED");
    const alicesOrder = await orderStatus(alice.id, "CONFIRMED");
    await eventually(async () => forBob.received.length >= 1 && forAlice.received.length >= 1);
    // Give a wrongly routed event the time to show up before checking there was none.
    await new Promise((r) => setTimeout(r, 500));
    forBob.client.dispose();
    forAlice.client.dispose();
    expect(forBob.received.map((m) => m.notificationReceived.order?.id)).toEqual([bobsOrder]);
    expect(forAlice.received.map((m) => m.notificationReceived.order?.id)).toEqual([alicesOrder]);
  });

  it("emails every notification exactly once, to the address accounts registered", async () => {
    const everyone = [alice, bob, carol];
    const stored = (await Promise.all(everyone.map((m) => notes(m)))).flat();
    expect(stored.length).toBeGreaterThanOrEqual(6);
    await eventually(async () => stored.every((n) => emails.some((e) => e.notification.id === n.id)));
    for (const n of stored) {
      const sent = emails.filter((e) => e.notification.id === n.id);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.notification.message).toBe(n.message);
    }
    const toBob = emails.filter(
      (e) => stored.some((n) => n.id === e.notification.id) && e.notification.userId === bob.id,
    );
    expect(new Set(toBob.map((e) => e.to))).toEqual(new Set([bob.email]));
  });
});

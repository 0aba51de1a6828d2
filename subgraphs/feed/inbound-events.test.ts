import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DecodedEvent } from "../../events/codec.ts";
import { applyOnce } from "../../events/consumer/apply.ts";
import type { EventHandler } from "../../events/consumer/index.ts";
import { type EventInit, type EventPayload, schemaFor, type Topic, Topics } from "../../events/topics.ts";
import { openTestDatabase } from "../../test/support/database.ts";
import { createUnitOfWork } from "../kit/unit-of-work.ts";
import type { NotificationChannel, Recipient } from "./channel.ts";
import type { NotificationRow } from "./db/schema.ts";
import { outbox } from "./db/schema.ts";
import { createInboundEventHandlers } from "./inbound-events.ts";
import { createRepositories, type Repositories } from "./repositories/index.ts";
import { feed } from "./server.ts";

/** An event as the consumer kit hands it over after decoding. */
function decoded<T extends Topic>(topic: T, payload: EventInit<T>): DecodedEvent<T> {
  return {
    id: randomUUID(),
    topic,
    type: `tributary.${topic}.v1`,
    source: "/test",
    time: new Date(),
    key: "",
    subject: "",
    payload: create(schemaFor(topic), payload as never) as EventPayload<T>,
    json: {},
    headers: {},
  };
}

describe("feed event handlers", () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>;
  let repo: Repositories;
  let handlers: ReturnType<typeof createInboundEventHandlers>;
  const sent: { notification: NotificationRow; recipient: Recipient }[] = [];
  const recording: NotificationChannel = {
    send: async (notification, recipient) => void sent.push({ notification, recipient }),
  };

  beforeAll(async () => {
    database = await openTestDatabase(feed);
    repo = createRepositories(createUnitOfWork(database.db), { channel: recording });
    handlers = createInboundEventHandlers(repo);
  });
  afterAll(() => database.dispose());

  /** Runs the handler exactly as the consumer kit does: once per event id, in one transaction. */
  async function apply<T extends Topic>(topic: T, payload: EventInit<T>, event = decoded(topic, payload)) {
    return applyOnce(database.db, event as DecodedEvent<Topic>, handlers[topic] as EventHandler<Topic>);
  }
  async function register(name: string, roles = ["CUSTOMER"]): Promise<string> {
    const userId = randomUUID();
    const entity = { typename: "User", id: userId };
    await apply(Topics.UserRegistered, { entity, userId, name, email: `${name}@example.com`, roles });
    return userId;
  }
  const created = async () =>
    (await database.db.select().from(outbox)).filter((e) => e.topic === Topics.NotificationCreated);
  const page = (first: number) => ({ first, after: null });

  it("keeps a role granted before the registration arrives: the topics are not ordered between them", async () => {
    const userId = randomUUID();
    const entity = { typename: "User", id: userId };
    await apply(Topics.UserUpdated, { entity, userId, name: "Erin", roles: ["CUSTOMER", "ADMIN"] });
    await apply(Topics.UserRegistered, {
      entity,
      userId,
      name: "Erin",
      email: "erin@example.com",
      roles: ["CUSTOMER"],
    });
    expect(await repo.users.find(userId)).toMatchObject({
      roles: ["CUSTOMER", "ADMIN"],
      email: "erin@example.com",
    });
  });

  it("builds the timeline from post and article events: own and followed authors, newest first", async () => {
    const [me, friend, stranger] = [
      await register("me"),
      await register("friend"),
      await register("stranger"),
    ];
    await repo.follows.follow(me, friend);
    const at = (minute: number) => `2026-05-01T10:0${minute}:00.000Z`;
    const post = (authorId: string, minute: number) => {
      const postId = randomUUID();
      const entity = { typename: "Post", id: postId };
      return apply(Topics.PostPublished, {
        entity,
        postId,
        authorId,
        message: "hi",
        createdAt: at(minute),
      }).then(() => postId);
    };
    const mine = await post(me, 1);
    const theirs = await post(friend, 3);
    await post(stranger, 4);
    const articleId = randomUUID();
    const article = { entity: { typename: "Article", id: articleId }, articleId, authorId: friend };
    await apply(Topics.ArticlePublished, { ...article, title: "Essay", publishedAt: at(2) });

    const entries = await repo.timeline.forViewer(me, page(10));
    expect(entries.map((e) => [e.kind, e.itemId])).toEqual([
      ["POST", theirs],
      ["ARTICLE", articleId],
      ["POST", mine],
    ]);
    const second = await repo.timeline.forViewer(me, {
      first: 10,
      after: { at: entries[0]!.publishedAt, id: entries[0]!.itemId },
    });
    expect(second.map((e) => e.itemId)).toEqual([articleId, mine]);

    await apply(Topics.ArticleArchived, article);
    await apply(Topics.PostDeleted, { entity: { typename: "Post", id: mine }, postId: mine, authorId: me });
    expect((await repo.timeline.forViewer(me, page(10))).map((e) => e.itemId)).toEqual([theirs]);
    await repo.follows.unfollow(me, friend);
    expect(await repo.timeline.forViewer(me, page(10))).toEqual([]);
  });

  it("notifies each follower once per published article, with the author as actor", async () => {
    const [author, fan1, fan2, other] = [
      await register("Author"),
      await register("fan1"),
      await register("fan2"),
      await register("other"),
    ];
    await repo.follows.follow(fan1, author);
    await repo.follows.follow(fan2, author);
    const articleId = randomUUID();
    const payload = {
      entity: { typename: "Article", id: articleId },
      articleId,
      authorId: author,
      title: "Federation",
      publishedAt: new Date().toISOString(),
    };
    await apply(Topics.ArticlePublished, payload);
    // Published again (a different event id, so not a duplicate delivery): the article is not news twice.
    await apply(Topics.ArticlePublished, payload);
    for (const fan of [fan1, fan2]) {
      const [n] = await repo.notifications.listForUser(fan, { unreadOnly: false, first: 10 });
      expect(n).toMatchObject({ kind: "ARTICLE_PUBLISHED", articleId, actorId: author });
      expect(n?.message).toBe('Author published "Federation".');
    }
    expect(await repo.notifications.listForUser(other, { unreadOnly: false, first: 10 })).toEqual([]);
    const events = (await created()).filter((e) => e.payload.articleId === articleId);
    expect(events.map((e) => e.payload.userId).sort()).toEqual([fan1, fan2].sort());
    // Keyed by recipient: one user's notifications share a partition, so they arrive and replay in order.
    expect(events.map((e) => e.key)).toEqual(events.map((e) => e.payload.userId));
    expect(events[0]?.payload).toMatchObject({ kind: "ARTICLE_PUBLISHED", actorId: author, orderId: "" });
  });

  it("notifies the followee of a new follower, the customer of an order status, every admin of low stock", async () => {
    const [fan, star, customer] = [await register("Fan"), await register("Star"), await register("Customer")];
    const admins = [await register("Admin1", ["ADMIN"]), await register("Admin2", ["CUSTOMER", "ADMIN"])];
    await apply(Topics.UserFollowed, {
      entity: { typename: "User", id: star },
      followerId: fan,
      followeeId: star,
    });
    const orderId = randomUUID();
    await apply(Topics.OrderStatusChanged, {
      entity: { typename: "Order", id: orderId },
      orderId,
      customerId: customer,
      status: "CONFIRMED",
      previousStatus: "PENDING",
    });
    const productId = randomUUID();
    await apply(Topics.StockLow, {
      entity: { typename: "Product", id: productId },
      productId,
      available: 2,
      threshold: 5,
    });

    const only = async (userId: string) => {
      const list = await repo.notifications.listForUser(userId, { unreadOnly: false, first: 10 });
      expect(list).toHaveLength(1);
      return list[0]!;
    };
    expect(await only(star)).toMatchObject({
      kind: "NEW_FOLLOWER",
      actorId: fan,
      message: "Fan started following you.",
    });
    expect(await only(customer)).toMatchObject({
      kind: "ORDER_STATUS",
      orderId,
      message: `Your order ${orderId.slice(0, 8)} is now CONFIRMED.`,
    });
    for (const admin of admins) expect(await only(admin)).toMatchObject({ kind: "LOW_STOCK", productId });
    const lowStock = (await created()).filter(
      (e) => e.payload.kind === "LOW_STOCK" && admins.includes(String(e.payload.userId)),
    );
    expect(lowStock).toHaveLength(2);
    expect(await repo.notifications.listForUser(fan, { unreadOnly: false, first: 10 })).toEqual([]);
  });

  it("emails a notification once per feed.notification.created, a redelivery of the same event not again", async () => {
    const userId = await register("Reader");
    const orderId = randomUUID();
    await apply(Topics.OrderStatusChanged, {
      entity: { typename: "Order", id: orderId },
      orderId,
      customerId: userId,
      status: "SHIPPED",
    });
    const [row] = (await created()).filter((e) => e.payload.userId === userId);
    const event = decoded(
      Topics.NotificationCreated,
      row!.payload as EventInit<typeof Topics.NotificationCreated>,
    );
    expect(await apply(Topics.NotificationCreated, {}, event)).toBe("applied");
    expect(await apply(Topics.NotificationCreated, {}, event)).toBe("duplicate");
    const mine = sent.filter((s) => s.recipient.id === userId);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.recipient).toEqual({ id: userId, name: "Reader", email: "Reader@example.com" });
    expect(mine[0]?.notification.message).toBe(`Your order ${orderId.slice(0, 8)} is now SHIPPED.`);
  });

  it("retries a failed send (the channel sees it again) and never sends a notification that does not exist", async () => {
    const failing: NotificationChannel = {
      send: async () => {
        throw new Error("smtp down");
      },
    };
    repo.delivery.setChannel(failing);
    const [row] = await created();
    const event = decoded(
      Topics.NotificationCreated,
      row!.payload as EventInit<typeof Topics.NotificationCreated>,
    );
    await expect(apply(Topics.NotificationCreated, {}, event)).rejects.toThrow("smtp down");
    repo.delivery.setChannel(recording);
    const before = sent.length;
    // The failed attempt rolled back its processed mark, so the redelivery is applied and sends.
    expect(await apply(Topics.NotificationCreated, {}, event)).toBe("applied");
    expect(sent.length).toBe(before + 1);
    const ghost = randomUUID();
    await apply(Topics.NotificationCreated, {
      entity: { typename: "Notification", id: ghost },
      notificationId: ghost,
    });
    expect(sent.length).toBe(before + 1);
  });

  it("lists a user's notifications newest first, unread only on request, and marks own ones read", async () => {
    const [userId, other] = [await register("Marker"), await register("Other")];
    for (const status of ["CONFIRMED", "PAID", "SHIPPED"]) {
      const orderId = randomUUID();
      const entity = { typename: "Order", id: orderId };
      await apply(Topics.OrderStatusChanged, { entity, orderId, customerId: userId, status });
      // Distinct milliseconds, so "newest first" is about time, not the id tie-break.
      await new Promise((r) => setTimeout(r, 3));
    }
    const othersId = randomUUID();
    await apply(Topics.OrderStatusChanged, {
      entity: { typename: "Order", id: othersId },
      orderId: othersId,
      customerId: other,
      status: "PAID",
    });
    const all = await repo.notifications.listForUser(userId, { unreadOnly: false, first: 10 });
    expect(all.map((n) => n.message.split(" ").at(-1))).toEqual(["SHIPPED.", "PAID.", "CONFIRMED."]);
    const [theirs] = await repo.notifications.listForUser(other, { unreadOnly: false, first: 10 });
    expect(await repo.notifications.markRead(userId, [all[0]!.id, theirs!.id])).toBe(1);
    expect(await repo.notifications.markRead(userId, [all[0]!.id])).toBe(0);
    expect((await repo.notifications.listForUser(userId, { unreadOnly: true, first: 10 })).length).toBe(2);
    expect(await repo.notifications.markRead(userId, [])).toBe(0);
    expect(await repo.notifications.markRead(userId, null)).toBe(2);
    expect(await repo.notifications.listForUser(userId, { unreadOnly: true, first: 10 })).toEqual([]);
    expect((await repo.notifications.findByIds([theirs!.id]))[0]?.read).toBe(false);
  });

  it("tells a user of a follower once, however often they unfollow and follow again", async () => {
    const [fan, star] = [await register("Refollower"), await register("Popular")];
    for (let cycle = 0; cycle < 3; cycle++) {
      expect(await repo.follows.follow(fan, star)).toBe("followed");
      const [followed] = (await database.db.select().from(outbox))
        .filter((e) => e.topic === Topics.UserFollowed && e.payload.followerId === fan)
        .slice(-1);
      // Each cycle's own event, as the consumer would receive it.
      await apply(Topics.UserFollowed, {
        entity: { typename: "User", id: star },
        followerId: String(followed?.payload.followerId),
        followeeId: star,
      });
      expect(await repo.follows.unfollow(fan, star)).toBe("unfollowed");
    }
    const list = await repo.notifications.listForUser(star, { unreadOnly: false, first: 10 });
    expect(list.map((n) => n.message)).toEqual(["Refollower started following you."]);
  });

  it("names a low-stock product by its catalog name, the latest one even when events arrive out of order", async () => {
    const admin = await register("StockAdmin", ["ADMIN"]);
    const productId = randomUUID();
    const product = {
      entity: { typename: "Product", id: productId },
      productId,
      priceCents: 100,
      currency: "USD",
      category: "tea",
    };
    const earlier = decoded(Topics.ProductCreated, { ...product, name: "Sencha" });
    const later = decoded(Topics.ProductUpdated, { ...product, name: "Gyokuro" });
    later.time = new Date(earlier.time.getTime() + 1000);
    await apply(Topics.ProductUpdated, {}, later);
    await apply(Topics.ProductCreated, {}, earlier);
    await apply(Topics.StockLow, { entity: product.entity, productId, available: 1, threshold: 5 });
    const [low] = await repo.notifications.listForUser(admin, { unreadOnly: false, first: 10 });
    expect(low?.message).toBe("Gyokuro is low on stock: 1 left.");
  });

  it("pages a user's notifications with a cursor past any number of them", async () => {
    const reader = await register("Pager");
    for (let i = 0; i < 7; i++) {
      const orderId = randomUUID();
      await apply(Topics.OrderStatusChanged, {
        entity: { typename: "Order", id: orderId },
        orderId,
        customerId: reader,
        status: "PAID",
      });
    }
    const seen: string[] = [];
    let after: { at: Date; id: string } | null = null;
    for (;;) {
      const rows = await repo.notifications.pageForUser(reader, false, { first: 3, after });
      seen.push(...rows.slice(0, 3).map((r) => r.id));
      if (rows.length <= 3) break;
      const last = rows[2]!;
      after = { at: last.createdAt, id: last.id };
    }
    const all = await repo.notifications.listForUser(reader, { unreadOnly: false, first: 100 });
    expect(seen).toEqual(all.map((n) => n.id));
    expect(new Set(seen).size).toBe(7);
    expect(await repo.notifications.notOwnedBy(reader, [seen[0]!, randomUUID()])).toHaveLength(1);
  });
});

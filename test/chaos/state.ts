// What a burst left behind, read back through the gateway (each subgraph's state) and from Kafka (the distinct
// events published, by event id), and how it differs from what the API acknowledged.
import { expectData } from "../support/graphql.ts";
import { readTopic } from "../support/topic.ts";
import type { Actor, Ledger } from "./workload.ts";

export interface Scope {
  url: string;
  brokers: string[];
  prefix: string;
  admin: Actor;
  customer: Actor;
  orderProduct: { id: string; onHand: number };
}

export interface Notification {
  id: string;
  kind: string;
  message: string;
  order: { id: string } | null;
  actor: { id: string } | null;
}

export interface State {
  posts: { id: string; message: string }[];
  articles: { id: string; title: string }[];
  orders: { id: string; status: string }[];
  notifications: Notification[];
  users: Map<string, string>;
  products: Map<
    string,
    { name: string; priceCents: number; stock: number; onHand: number; reserved: number }
  >;
}

/** Distinct events (by their outbox id) per entity key. */
export type EventCounts = Map<string, number>;

export const STATUS_RANK: Record<string, number> = { PENDING: 0, CONFIRMED: 1, PAID: 2, SHIPPED: 3 };

/** `prefix` names end with a space, so `chaos-1` never takes `chaos-10`'s. */
export const ofScope = (scope: Scope, text: string) => text.startsWith(`${scope.prefix} `);

async function pages<T>(read: (after: string | null) => Promise<{ nodes: T[]; next: string | null }>) {
  const all: T[] = [];
  let after: string | null = null;
  do {
    const page: { nodes: T[]; next: string | null } = await read(after);
    all.push(...page.nodes);
    after = page.next;
  } while (after);
  return all;
}

export async function readState(scope: Scope, ledger: Ledger): Promise<State> {
  const { url, customer, admin } = scope;
  const cursorPage = <T>(query: string, field: string, variables: Record<string, unknown>) =>
    pages<T>(async (after) => {
      const data = await expectData<
        Record<string, { nodes: T[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } }>
      >(url, query, { ...variables, after }, customer.token);
      const { nodes, pageInfo } = data[field]!;
      return { nodes, next: pageInfo.hasNextPage ? pageInfo.endCursor : null };
    });
  const numberedPage = <T>(query: string, field: string) => {
    let page = 0;
    return pages<T>(async () => {
      page += 1;
      const data = await expectData<Record<string, { items: T[]; pageInfo: { hasNext: boolean } }>>(
        url,
        query,
        { page, author: customer.id },
        customer.token,
      );
      const { items, pageInfo } = data[field]!;
      return { nodes: items, next: pageInfo.hasNext ? String(page) : null };
    });
  };

  const posts = (
    await cursorPage<{ id: string; message: string }>(
      `query($a: ID, $after: String) { posts(authorId: $a, first: 100, after: $after) {
        nodes { id message } pageInfo { endCursor hasNextPage } } }`,
      "posts",
      { a: customer.id },
    )
  ).filter((p) => ofScope(scope, p.message));
  const notifications = await cursorPage<Notification>(
    `query($after: String) { notificationConnection(first: 100, after: $after) {
      nodes { id kind message order { id } actor { id } } pageInfo { endCursor hasNextPage } } }`,
    "notificationConnection",
    {},
  );
  const articles = (
    await numberedPage<{ id: string; title: string }>(
      `query($page: Int!, $author: ID) { articles(page: $page, perPage: 50, status: PUBLISHED, author: $author) {
        items { id title } pageInfo { hasNext } } }`,
      "articles",
    )
  ).filter((a) => ofScope(scope, a.title));
  const orders = (
    await numberedPage<{ id: string; status: string; items: { product: { id: string } }[] }>(
      `query($page: Int!) { myOrders(page: $page, perPage: 50) {
        items { id status items { product { id } } } pageInfo { hasNext } } }`,
      "myOrders",
    )
  ).filter((o) => o.items.some((item) => item.product.id === scope.orderProduct.id));
  const orderIds = new Set(orders.map((o) => o.id));
  const followers = new Set(ledger.users.map((u) => u.id));

  const users = new Map<string, string>();
  for (const user of ledger.users) {
    const data = await expectData<{ user: { name: string } | null }>(
      url,
      `query($id: ID!) { user(id: $id) { name } }`,
      {
        id: user.id,
      },
    );
    users.set(user.id, data.user?.name ?? "(missing)");
  }
  const products: State["products"] = new Map();
  for (const id of [...ledger.products.map((p) => p.id), scope.orderProduct.id]) {
    const data = await expectData<{ product: NonNullable<ReturnType<State["products"]["get"]>> }>(
      url,
      `query($id: ID!) { product(id: $id) { name priceCents stock onHand reserved } }`,
      { id },
      admin.token,
    );
    products.set(id, data.product);
  }
  return {
    posts,
    articles,
    orders: orders.map(({ id, status }) => ({ id, status })),
    notifications: notifications.filter(
      (n) =>
        (n.order && orderIds.has(n.order.id)) ||
        (n.kind === "NEW_FOLLOWER" && n.actor && followers.has(n.actor.id)),
    ),
    users,
    products,
  };
}

/** Every way the state differs from the acknowledged writes; empty when they agree. */
export function stateMismatches(scope: Scope, ledger: Ledger, state: State): string[] {
  const out: string[] = [];
  const expect = (ok: boolean, what: string) => ok || out.push(what);
  for (const user of ledger.users) expect(state.users.get(user.id) === user.name, `user ${user.id} name`);
  for (const p of ledger.products) {
    const got = state.products.get(p.id);
    const want = { name: p.name, priceCents: p.priceCents, stock: p.onHand, onHand: p.onHand, reserved: 0 };
    expect(
      JSON.stringify(got) === JSON.stringify(want),
      `product ${p.id}: ${JSON.stringify(got)} ≠ ${JSON.stringify(want)}`,
    );
  }
  const unique = (values: string[], what: string) =>
    expect(new Set(values).size === values.length, `${what} doubled`);
  unique(
    state.posts.map((p) => p.message),
    "posts",
  );
  unique(
    state.articles.map((a) => a.title),
    "articles",
  );
  const posts = new Set(state.posts.map((p) => p.message));
  for (const m of ledger.posts) expect(posts.has(m), `post "${m}" lost`);
  const titles = new Set(state.articles.map((a) => a.title));
  for (const t of ledger.articles) expect(titles.has(t), `article "${t}" not published`);

  const status = new Map(state.orders.map((o) => [o.id, o.status]));
  for (const id of ledger.orders)
    expect(status.get(id) === "SHIPPED", `order ${id} is ${status.get(id)}, not SHIPPED`);
  const count = (s: string[]) => state.orders.filter((o) => s.includes(o.status)).length;
  const reserved = count(["PENDING", "CONFIRMED", "PAID"]);
  const onHand = scope.orderProduct.onHand - count(["SHIPPED"]);
  const stock = state.products.get(scope.orderProduct.id);
  expect(
    stock?.reserved === reserved && stock.onHand === onHand && stock.stock === onHand - reserved,
    `order product stock ${JSON.stringify(stock)}, expected onHand ${onHand} reserved ${reserved}`,
  );
  for (const order of state.orders) {
    const told = state.notifications
      .filter((n) => n.kind === "ORDER_STATUS" && n.order?.id === order.id)
      .map((n) => n.message.replace(/^.* is now (\w+)\.$/, "$1"))
      .sort();
    const want = Object.keys(STATUS_RANK)
      .filter((s) => STATUS_RANK[s]! <= (STATUS_RANK[order.status] ?? -1))
      .sort();
    expect(
      JSON.stringify(told) === JSON.stringify(want),
      `order ${order.id} notifications ${told} ≠ ${want}`,
    );
  }
  for (const id of ledger.followers) {
    const n = state.notifications.filter((x) => x.kind === "NEW_FOLLOWER" && x.actor?.id === id).length;
    expect(n === 1, `${n} NEW_FOLLOWER notifications for follower ${id}`);
  }
  return out;
}

/** Distinct events of a topic per key (the entity id), each event id counted once however often it was sent. */
export async function distinctEvents(brokers: string[], topic: string): Promise<EventCounts> {
  const seen = new Set<string>();
  const counts: EventCounts = new Map();
  for (const message of await readTopic(brokers, topic)) {
    const id = message.headers?.ce_id?.toString() ?? "";
    const key = message.key?.toString() ?? "";
    if (seen.has(id)) continue;
    seen.add(id);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

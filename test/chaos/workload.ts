// A burst of mutations of every domain, one worker per domain, that keeps going while processes die. A
// mutation counts as acknowledged only when it returned data without errors. A failed one is sent again
// unchanged when repeating it is harmless (setStock, updateProduct, ...); one that creates something is sent
// with a new name instead, so a write whose answer the crash swallowed may exist without being acknowledged.
import { graphql } from "../support/graphql.ts";

export interface Actor {
  id: string;
  token: string;
}

export interface Ledger {
  acknowledged: number;
  users: { id: string; email: string; token: string; name: string }[];
  /** Users whose follow of the customer was acknowledged. */
  followers: string[];
  /** Products created in this burst, with the price and stock last acknowledged for them. */
  products: { id: string; name: string; priceCents: number; onHand: number }[];
  orders: string[];
  /** Article titles, in the order their publishing was acknowledged. */
  articles: string[];
  /** Post messages, in the order they were acknowledged. */
  posts: string[];
}

export interface Burst {
  ledger: Ledger;
  done: Promise<void>;
}

const PLACE = `mutation($p: ID!) { placeOrder(input: { items: [{ productId: $p, quantity: 1 }] }) { id } }`;
const ORDER = `query($id: ID!) { order(id: $id) { status } }`;
const ARTICLE = `query($id: ID!) { articleById(id: $id) { status } }`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The data of one attempt, or undefined when it failed in any way (refused connection included). */
async function attempt<T>(url: string, query: string, variables: Record<string, unknown>, token?: string) {
  try {
    const response = await graphql<T>(url, query, variables, token);
    return response.errors?.length || !response.data ? undefined : response.data;
  } catch {
    return undefined;
  }
}

export function startBurst(options: {
  url: string;
  /** Distinguishes this burst's names from every other burst's. */
  prefix: string;
  admin: Actor;
  customer: Actor;
  /** A product on sale with plenty of stock, known to orders: every order takes one of it. */
  orderProduct: string;
  /** Mutations per domain. */
  size: number;
  deadlineMs: number;
}): Burst {
  const { url, prefix, admin, customer, size } = options;
  const deadline = Date.now() + options.deadlineMs;
  const ledger: Ledger = {
    acknowledged: 0,
    users: [],
    followers: [],
    products: [],
    orders: [],
    articles: [],
    posts: [],
  };

  /** Sends until acknowledged; `fresh` makes the variables of each new attempt. */
  async function until<T>(
    query: string,
    fresh: () => Record<string, unknown>,
    token?: string,
    settled?: () => Promise<boolean>,
  ): Promise<T | undefined> {
    while (Date.now() < deadline) {
      const data = await attempt<T>(url, query, fresh(), token);
      if (data) {
        ledger.acknowledged += 1;
        return data;
      }
      // A repeated step the crash applied after all: nothing left to send.
      if (settled && (await settled())) return undefined;
      await pause(200);
    }
    throw new Error(`${prefix}: ${query.slice(0, 40)}… not acknowledged before the deadline`);
  }

  async function statusOf(id: string): Promise<string | undefined> {
    const data = await attempt<{ order: { status: string } | null }>(url, ORDER, { id }, admin.token);
    return data?.order?.status;
  }

  async function accounts(): Promise<void> {
    for (let i = 0; ledger.users.length < size / 2; i++) {
      let email = "";
      const { register } = (await until<{ register: { token: string; user: { id: string } } }>(
        `mutation($input: RegisterInput!) { register(input: $input) { token user { id } } }`,
        () => {
          email = `${prefix}-${i}-${Math.random().toString(36).slice(2, 8)}@chaos.test`;
          return { input: { email, password: "chaos-password", name: `${prefix} user ${i}` } };
        },
      ))!;
      const name = `${prefix} renamed ${i}`;
      const profile = `mutation($name: String!) { updateProfile(input: { name: $name }) { id } }`;
      await until(profile, () => ({ name }), register.token);
      ledger.users.push({ id: register.user.id, email, token: register.token, name });
      await until(`mutation($e: String!) { login(email: $e, password: "chaos-password") { token } }`, () => ({
        e: email,
      }));
    }
  }

  async function catalogAndInventory(): Promise<void> {
    for (let i = 0; ledger.products.length < size / 3; i++) {
      const name = `${prefix} product ${i}`;
      const { createProduct } = (await until<{ createProduct: { id: string } }>(
        `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
        () => ({
          input: { name: `${name} ${Math.random()}`.slice(0, 60), category: "chaos", priceCents: 100 },
        }),
        admin.token,
      ))!;
      const id = createProduct.id;
      const priceCents = 200 + i;
      const update = `mutation($id: ID!, $price: Int!, $name: String!) {
        updateProduct(id: $id, input: { priceCents: $price, name: $name }) { id } }`;
      await until(update, () => ({ id, price: priceCents, name }), admin.token);
      // NOT_FOUND until inventory heard of the product from catalog: sent again like any failure.
      const onHand = 20 + i;
      const stock = `mutation($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { id } }`;
      await until(stock, () => ({ id, q: onHand - 5 }), admin.token);
      await until(stock, () => ({ id, q: onHand }), admin.token);
      ledger.products.push({ id, name, priceCents, onHand });
    }
  }

  async function orders(): Promise<void> {
    while (ledger.orders.length < size / 3) {
      const { placeOrder } = (await until<{ placeOrder: { id: string } }>(
        PLACE,
        () => ({ p: options.orderProduct }),
        customer.token,
      ))!;
      const id = placeOrder.id;
      ledger.orders.push(id);
      // The saga confirms it through inventory's events; payment needs CONFIRMED.
      while ((await statusOf(id)) !== "CONFIRMED") {
        if (Date.now() > deadline) throw new Error(`${prefix}: order ${id} never confirmed`);
        await pause(200);
      }
      const reached = (status: string) => async () => (await statusOf(id)) === status;
      await until(
        `mutation($id: ID!) { payOrder(orderId: $id, method: "tok_visa") { id } }`,
        () => ({ id }),
        customer.token,
        reached("PAID"),
      );
      await until(
        `mutation($id: ID!) { shipOrder(orderId: $id) { id } }`,
        () => ({ id }),
        admin.token,
        reached("SHIPPED"),
      );
    }
  }

  async function blog(): Promise<void> {
    for (let i = 0; ledger.articles.length < size / 2; i++) {
      const title = `${prefix} article ${i}`;
      let attempted = title;
      const { createArticle } = (await until<{ createArticle: { id: string } }>(
        `mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }`,
        () => {
          attempted = `${title} ${Math.random().toString(36).slice(2, 6)}`;
          return { input: { title: attempted, content: "Written during a crash.", category: "chaos" } };
        },
        customer.token,
      ))!;
      const id = createArticle.id;
      const published = async () =>
        (await attempt<{ articleById: { status: string } }>(url, ARTICLE, { id }, customer.token))
          ?.articleById?.status === "PUBLISHED";
      await until(
        `mutation($id: ID!) { publishArticle(id: $id) { id } }`,
        () => ({ id }),
        customer.token,
        published,
      );
      ledger.articles.push(attempted);
    }
  }

  async function feed(): Promise<void> {
    let n = 0;
    while (ledger.posts.length < size) {
      let message = "";
      await until(
        `mutation($m: String!) { publishPost(message: $m) { id } }`,
        () => {
          message = `${prefix} post ${n++}`;
          return { m: message };
        },
        customer.token,
      );
      ledger.posts.push(message);
      // Every registered user follows the customer once registered, so the customer hears of followers.
      const next = ledger.users.find((u) => !ledger.followers.includes(u.id));
      if (!next) continue;
      const follow = `mutation($id: ID!) { follow(userId: $id) { id } }`;
      await until(follow, () => ({ id: customer.id }), next.token);
      ledger.followers.push(next.id);
    }
  }

  const done = (async () => {
    await Promise.all([accounts(), catalogAndInventory(), orders(), blog(), feed()]);
    // Users registered after the posts ran out still follow, so every user of the burst is a follower.
    for (const user of ledger.users.filter((u) => !ledger.followers.includes(u.id))) {
      await until(
        `mutation($id: ID!) { follow(userId: $id) { id } }`,
        () => ({ id: customer.id }),
        user.token,
      );
      ledger.followers.push(user.id);
    }
  })();
  return { ledger, done };
}

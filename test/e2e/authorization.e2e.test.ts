import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../events/testing/wait.ts";
import { DEV_ADMIN_PASSWORD } from "../../platform/config.ts";
import { expectData, graphql } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";

// Every mutation and every protected query or field of the contract, run as anonymous, as customer A
// (who owns the fixtures), as customer B and as an admin. One cell = one outcome, as designed:
// "ok" (a value), "null" (no value, no error: hidden) or the error code.
type Who = "anonymous" | "a" | "b" | "admin";
type Outcome = "ok" | "null" | "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "BAD_USER_INPUT";
type Vars = Record<string, unknown>;
interface Row {
  name: string;
  query: string;
  /** Variables of one cell; destructive rows build a fresh fixture per cell. */
  vars?: (who: Who) => Vars | Promise<Vars>;
  /** The value judged: the root field by default, or a nested one (e.g. User.email). */
  pick?: (data: Record<string, unknown>) => unknown;
  expect: [anonymous: Outcome, a: Outcome, b: Outcome, admin: Outcome];
}

const WHO: Who[] = ["anonymous", "a", "b", "admin"];
const ADMIN_ONLY: Row["expect"] = ["UNAUTHENTICATED", "FORBIDDEN", "FORBIDDEN", "ok"];
const SIGNED_IN: Row["expect"] = ["UNAUTHENTICATED", "ok", "ok", "ok"];
const OWNER_OR_ADMIN: Row["expect"] = ["UNAUTHENTICATED", "ok", "FORBIDDEN", "ok"];
const PUBLIC: Row["expect"] = ["ok", "ok", "ok", "ok"];

describe("authorization matrix: every protected operation x anonymous, customer A, customer B, admin", () => {
  let stack: Stack;
  const tokens = {} as Record<Who, string | undefined>;
  const ids = {} as Record<"a" | "b", string>;
  const f = {} as { product: string; order: string; draft: string; notification: string; post: string };

  const as = <T = Record<string, unknown>>(who: Who, query: string, vars: Vars = {}) =>
    expectData<T>(stack.url, query, vars, tokens[who]);

  async function register(name: string) {
    const email = `${name}-${randomUUID()}@example.com`;
    const input = { email, password: "correct-horse-battery", name };
    const r = await as<{ register: { token: string; refreshToken: string; user: { id: string } } }>(
      "anonymous",
      `mutation($input: RegisterInput!) { register(input: $input) { token refreshToken user { id } } }`,
      { input },
    );
    return { ...r.register, email };
  }

  const newProduct = async () =>
    (
      await as<{ createProduct: { id: string } }>(
        "admin",
        `mutation { createProduct(input: { name: "Beans", priceCents: 900, category: "coffee" }) { id } }`,
      )
    ).createProduct.id;

  /** An order of A in the given status, once the saga with inventory moved it there. */
  async function orderOfA(status: "CONFIRMED" | "PAID" | "SHIPPED" = "CONFIRMED"): Promise<string> {
    const order = await eventually(async () => {
      const r = await graphql<{ placeOrder: { id: string } }>(
        stack.url,
        `mutation($p: ID!) { placeOrder(input: { items: [{ productId: $p, quantity: 1 }] }) { id } }`,
        { p: f.product },
        tokens.a,
      );
      return r.data?.placeOrder.id;
    });
    await eventually(async () => {
      const r = await as<{ order: { status: string } }>(
        "a",
        `query($id: ID!) { order(id: $id) { status } }`,
        {
          id: order,
        },
      );
      return r.order.status === "CONFIRMED";
    });
    if (status !== "CONFIRMED")
      await as("a", `mutation($id: ID!) { payOrder(orderId: $id, method: "tok_visa") { id } }`, {
        id: order,
      });
    if (status === "SHIPPED")
      await as("admin", `mutation($id: ID!) { shipOrder(orderId: $id) { id } }`, { id: order });
    return order;
  }

  const draftOfA = async () =>
    (
      await as<{ createArticle: { id: string } }>(
        "a",
        `mutation { createArticle(input: { title: "Draft", content: "Words", category: "notes" }) { id } }`,
      )
    ).createArticle.id;

  /** Only a published article can be archived. */
  async function publishedOfA(): Promise<string> {
    const id = await draftOfA();
    await as("a", `mutation($id: ID!) { publishArticle(id: $id) { id } }`, { id });
    return id;
  }

  const postOfA = async () =>
    (await as<{ publishPost: { id: string } }>("a", `mutation { publishPost(message: "hello") { id } }`))
      .publishPost.id;

  beforeAll(async () => {
    stack = await startStack({ subgraphs: ["accounts", "catalog", "inventory", "orders", "blog", "feed"] });
    const login = await as<{ login: { token: string } }>(
      "anonymous",
      `mutation($p: String!) { login(email: "admin@tributary.dev", password: $p) { token } }`,
      { p: DEV_ADMIN_PASSWORD },
    );
    tokens.admin = login.login.token;
    const [a, b] = [await register("Alice"), await register("Bob")];
    Object.assign(tokens, { a: a.token, b: b.token });
    Object.assign(ids, { a: a.user.id, b: b.user.id });
    f.product = await newProduct();
    await eventually(async () =>
      (
        await graphql(
          stack.url,
          `mutation($p: ID!) { setStock(productId: $p, quantity: 1000) { id } }`,
          { p: f.product },
          tokens.admin,
        )
      ).data
        ? true
        : undefined,
    );
    f.order = await orderOfA();
    f.draft = await draftOfA();
    f.post = await postOfA();
    // B follows A, and the feed tells A: that is A's notification.
    await eventually(async () =>
      (await graphql(stack.url, `mutation($u: ID!) { follow(userId: $u) { id } }`, { u: ids.a }, tokens.b))
        .data
        ? true
        : undefined,
    );
    f.notification = await eventually(async () => {
      const r = await as<{ notifications: { id: string }[] }>("a", `{ notifications { id } }`);
      return r.notifications[0]?.id;
    });
  });
  afterAll(() => stack?.stop());

  const rows: Row[] = [
    // accounts
    { name: "Query.me", query: `{ me { id } }`, expect: ["null", "ok", "ok", "ok"] },
    {
      name: "User.email of A",
      query: `query($id: ID!) { user(id: $id) { email } }`,
      vars: () => ({ id: ids.a }),
      pick: (d) => (d.user as { email: string | null }).email,
      expect: ["null", "ok", "null", "ok"],
    },
    {
      name: "Mutation.register",
      query: `mutation($i: RegisterInput!) { register(input: $i) { token } }`,
      vars: () => ({
        i: { email: `r-${randomUUID()}@example.com`, password: "correct-horse-battery", name: "R" },
      }),
      expect: PUBLIC,
    },
    {
      name: "Mutation.login",
      query: `mutation($p: String!) { login(email: "admin@tributary.dev", password: $p) { token } }`,
      vars: () => ({ p: DEV_ADMIN_PASSWORD }),
      expect: PUBLIC,
    },
    {
      name: "Mutation.refreshToken",
      query: `mutation($t: String!) { refreshToken(refreshToken: $t) { token } }`,
      vars: async () => ({ t: (await register("Refresher")).refreshToken }),
      expect: PUBLIC,
    },
    {
      name: "Mutation.updateProfile",
      query: `mutation { updateProfile(input: { name: "Renamed" }) { id } }`,
      expect: SIGNED_IN,
    },
    {
      name: "Mutation.grantRole",
      query: `mutation($id: ID!) { grantRole(userId: $id, role: AUTHOR) { id } }`,
      vars: () => ({ id: ids.b }),
      expect: ADMIN_ONLY,
    },
    // catalog
    { name: "Query.products", query: `{ products { pageInfo { totalItems } } }`, expect: PUBLIC },
    {
      name: "Mutation.createProduct",
      query: `mutation { createProduct(input: { name: "X", priceCents: 1, category: "x" }) { id } }`,
      expect: ADMIN_ONLY,
    },
    {
      name: "Mutation.updateProduct",
      query: `mutation($id: ID!) { updateProduct(id: $id, input: { name: "Y" }) { id } }`,
      vars: () => ({ id: f.product }),
      expect: ADMIN_ONLY,
    },
    {
      name: "Mutation.deleteProduct",
      query: `mutation($id: ID!) { deleteProduct(id: $id) }`,
      vars: async () => ({ id: await newProduct() }),
      expect: ADMIN_ONLY,
    },
    // inventory
    {
      name: "Mutation.setStock",
      query: `mutation($id: ID!) { setStock(productId: $id, quantity: 1000) { id } }`,
      vars: () => ({ id: f.product }),
      expect: ADMIN_ONLY,
    },
    // orders
    {
      name: "Query.order (A's)",
      query: `query($id: ID!) { order(id: $id) { id } }`,
      vars: () => ({ id: f.order }),
      expect: OWNER_OR_ADMIN,
    },
    { name: "Query.myOrders", query: `{ myOrders { pageInfo { totalItems } } }`, expect: SIGNED_IN },
    { name: "Query.orders", query: `{ orders { pageInfo { totalItems } } }`, expect: ADMIN_ONLY },
    {
      name: "User.orders of A",
      query: `query($id: ID!) { user(id: $id) { orders { id } } }`,
      vars: () => ({ id: ids.a }),
      pick: (d) => (d.user as { orders: unknown } | null)?.orders ?? null,
      expect: ["FORBIDDEN", "ok", "FORBIDDEN", "ok"],
    },
    {
      name: "Mutation.placeOrder",
      query: `mutation($p: ID!) { placeOrder(input: { items: [{ productId: $p, quantity: 1 }] }) { id } }`,
      vars: () => ({ p: f.product }),
      expect: SIGNED_IN,
    },
    {
      name: "Mutation.payOrder (A's)",
      query: `mutation($id: ID!) { payOrder(orderId: $id, method: "tok_visa") { id } }`,
      vars: async () => ({ id: await orderOfA() }),
      expect: OWNER_OR_ADMIN,
    },
    {
      name: "Mutation.cancelOrder (A's)",
      query: `mutation($id: ID!) { cancelOrder(orderId: $id) { id } }`,
      vars: async () => ({ id: await orderOfA() }),
      expect: OWNER_OR_ADMIN,
    },
    {
      name: "Mutation.shipOrder",
      query: `mutation($id: ID!) { shipOrder(orderId: $id) { id } }`,
      vars: async (who) => ({ id: who === "admin" ? await orderOfA("PAID") : f.order }),
      expect: ADMIN_ONLY,
    },
    {
      name: "Mutation.deliverOrder",
      query: `mutation($id: ID!) { deliverOrder(orderId: $id) { id } }`,
      vars: async (who) => ({ id: who === "admin" ? await orderOfA("SHIPPED") : f.order }),
      expect: ADMIN_ONLY,
    },
    // blog
    {
      name: "Query.article (A's draft)",
      query: `query($id: ID!) { article(id: $id) { id } }`,
      vars: () => ({ id: f.draft }),
      expect: ["null", "ok", "null", "ok"],
    },
    {
      name: "Mutation.createArticle",
      query: `mutation { createArticle(input: { title: "T", content: "C", category: "c" }) { id } }`,
      expect: SIGNED_IN,
    },
    {
      name: "Mutation.updateArticle (A's)",
      query: `mutation($id: ID!) { updateArticle(id: $id, input: { title: "U" }) { id } }`,
      vars: () => ({ id: f.draft }),
      expect: OWNER_OR_ADMIN,
    },
    {
      name: "Mutation.publishArticle (A's)",
      query: `mutation($id: ID!) { publishArticle(id: $id) { id } }`,
      vars: async () => ({ id: await draftOfA() }),
      expect: OWNER_OR_ADMIN,
    },
    {
      name: "Mutation.archiveArticle (A's)",
      query: `mutation($id: ID!) { archiveArticle(id: $id) { id } }`,
      vars: async () => ({ id: await publishedOfA() }),
      expect: OWNER_OR_ADMIN,
    },
    {
      name: "Mutation.deleteArticle (A's)",
      query: `mutation($id: ID!) { deleteArticle(id: $id) }`,
      vars: async () => ({ id: await draftOfA() }),
      expect: OWNER_OR_ADMIN,
    },
    // feed
    {
      name: "Query.post (A's)",
      query: `query($id: ID!) { post(id: $id) { id } }`,
      vars: () => ({ id: f.post }),
      expect: PUBLIC,
    },
    { name: "Query.timeline", query: `{ timeline { nodes { __typename } } }`, expect: SIGNED_IN },
    { name: "Query.notifications", query: `{ notifications { id } }`, expect: SIGNED_IN },
    {
      name: "Query.notification (A's)",
      query: `query($id: ID!) { notification(id: $id) { id } }`,
      vars: () => ({ id: f.notification }),
      expect: ["UNAUTHENTICATED", "ok", "null", "null"],
    },
    {
      name: "Mutation.publishPost",
      query: `mutation { publishPost(message: "hi") { id } }`,
      expect: SIGNED_IN,
    },
    {
      name: "Mutation.deletePost (A's)",
      query: `mutation($id: ID!) { deletePost(id: $id) }`,
      vars: async () => ({ id: await postOfA() }),
      expect: OWNER_OR_ADMIN,
    },
    {
      name: "Mutation.follow A",
      query: `mutation($u: ID!) { follow(userId: $u) { id } }`,
      vars: () => ({ u: ids.a }),
      expect: ["UNAUTHENTICATED", "BAD_USER_INPUT", "ok", "ok"],
    },
    {
      name: "Mutation.unfollow A",
      query: `mutation($u: ID!) { unfollow(userId: $u) { id } }`,
      vars: () => ({ u: ids.a }),
      expect: SIGNED_IN,
    },
    {
      name: "Mutation.markNotificationsRead",
      query: `mutation { markNotificationsRead }`,
      expect: SIGNED_IN,
    },
  ];

  async function outcome(row: Row, who: Who): Promise<Outcome | string> {
    const r = await graphql(stack.url, row.query, (await row.vars?.(who)) ?? {}, tokens[who]);
    const codes = [...new Set((r.errors ?? []).map((e) => e.extensions?.code ?? e.message))];
    if (codes.length) return codes.join(",");
    const value = row.pick ? row.pick(r.data ?? {}) : Object.values(r.data ?? {})[0];
    return value === null || value === undefined ? "null" : "ok";
  }

  it.each(rows.map((row) => [row.name, row] as const))("%s", async (_, row) => {
    const seen: (Outcome | string)[] = [];
    for (const who of WHO) seen.push(await outcome(row, who));
    expect(seen).toEqual(row.expect);
  });
});

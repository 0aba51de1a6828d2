// The gateway's entity cache end to end: hits, a writer's own write, other clients and other gateways within a
// second of the event, entries that never cross users or roles, and Redis going away and coming back.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toolAvailable } from "../../events/testing/tools.ts";
import { eventually } from "../../events/testing/wait.ts";
import type { Gateway } from "../../gateway/server.ts";
import { cacheRequests, extraGateway } from "../support/entity-cache.ts";
import { expectData, graphql } from "../support/graphql.ts";
import { freePort } from "../support/ports.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const admin = tokenFor(["ADMIN"]);
const hasRedis = toolAvailable(
  "redis-server",
  spawnSync("redis-server", ["--version"]).status === 0,
  "apt-get install -y redis-server",
);
const PRODUCT = `query($id: ID!) { product(id: $id) { id name priceCents stock } }`;
const PRODUCT_TYPES = ["Query.product", "Product"];

interface ProductView {
  id: string;
  name: string;
  priceCents: number;
  stock: number;
}

describe("the entity cache", () => {
  let stack: Stack;
  const extra: Gateway[] = [];
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ["accounts", "catalog", "inventory", "orders"] });
  });
  afterAll(async () => {
    for (const gateway of extra) await gateway.stop();
    await stack?.stop();
  });

  async function newProduct(url = stack.url, priceCents = 1000, stock = 5): Promise<string> {
    const created = await expectData<{ createProduct: { id: string } }>(
      url,
      `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
      { input: { name: `Cached ${Math.random()}`, category: "cache", priceCents } },
      admin.token,
    );
    const id = created.createProduct.id;
    await eventually(
      async () =>
        (
          await graphql(
            url,
            `mutation($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { id } }`,
            { id, q: stock },
            admin.token,
          )
        ).data,
    );
    return id;
  }

  const readProduct = async (url: string, id: string, token?: string) =>
    (await expectData<{ product: ProductView }>(url, PRODUCT, { id }, token)).product;

  const setPrice = (url: string, id: string, priceCents: number) =>
    expectData<{ updateProduct: { priceCents: number } }>(
      url,
      `mutation($id: ID!, $p: Int!) { updateProduct(id: $id, input: { priceCents: $p }) { priceCents } }`,
      { id, p: priceCents },
      admin.token,
    );

  it("answers a repeated read from the cache: the hit counter moves, the answer is the same", async () => {
    const id = await newProduct();
    // A new product's own events (created, its first stock) drop what was read before they arrived: once
    // they are in, a read fills the cache and the next one is answered from it.
    await eventually(async () => {
      const first = await readProduct(stack.url, id);
      const hitsBefore = await cacheRequests(stack.url, "hit", PRODUCT_TYPES);
      const second = await readProduct(stack.url, id);
      expect(second).toEqual(first);
      // The root field in catalog and the Product entity in inventory.
      const hits = (await cacheRequests(stack.url, "hit", PRODUCT_TYPES)) - hitsBefore;
      return hits >= 2 ? true : undefined;
    });
  });

  it("lets a writer read its own write at once, before the event arrives", async () => {
    const id = await newProduct();
    await readProduct(stack.url, id, admin.token);
    await setPrice(stack.url, id, 1234);
    expect((await readProduct(stack.url, id, admin.token)).priceCents).toBe(1234);
    await expectData(
      stack.url,
      `mutation($id: ID!) { setStock(productId: $id, quantity: 9) { onHand } }`,
      { id },
      admin.token,
    );
    expect((await readProduct(stack.url, id, admin.token)).stock).toBe(9);
  });

  it("shows another client the change within a second of the write", async () => {
    const id = await newProduct();
    await readProduct(stack.url, id);
    await readProduct(stack.url, id); // cached for anonymous callers now
    await setPrice(stack.url, id, 2222);
    const written = Date.now();
    await eventually(async () => (await readProduct(stack.url, id)).priceCents === 2222, 1_000, 10);
    expect(Date.now() - written).toBeLessThan(1_000);
  });

  it("never serves an admin's view of a product to a customer, nor a customer's to an admin", async () => {
    const id = await newProduct(stack.url, 1000, 7);
    const customer = tokenFor(["CUSTOMER"]);
    const ADMIN_VIEW = `query($id: ID!) { product(id: $id) { stock onHand reserved } }`;
    for (let i = 0; i < 2; i++) {
      const asAdmin = await graphql<{ product: { onHand: number | null } }>(
        stack.url,
        ADMIN_VIEW,
        { id },
        admin.token,
      );
      expect(asAdmin.data?.product.onHand).toBe(7);
      const asCustomer = await graphql<{ product: { onHand: number | null } }>(
        stack.url,
        ADMIN_VIEW,
        { id },
        customer.token,
      );
      expect(asCustomer.data?.product.onHand ?? null).toBeNull();
      expect(asCustomer.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
  });

  it("keeps a user's email theirs: PRIVATE entries never cross users, whichever path reads them", async () => {
    const register = async (name: string) =>
      (
        await expectData<{ register: { token: string; user: { id: string } } }>(
          stack.url,
          `mutation($input: RegisterInput!) { register(input: $input) { token user { id } } }`,
          { input: { email: `${name}-${Date.now()}@example.com`, password: "correct horse battery", name } },
        )
      ).register;
    const alice = await register("alice");
    const bob = await register("bob");
    const EMAIL = `query($id: ID!) { user(id: $id) { name email } }`;
    for (let i = 0; i < 2; i++) {
      const own = await expectData<{ user: { email: string | null } }>(
        stack.url,
        EMAIL,
        { id: alice.user.id },
        alice.token,
      );
      expect(own.user.email).toMatch(/^alice-/);
      const other = await expectData<{ user: { email: string | null } }>(
        stack.url,
        EMAIL,
        { id: alice.user.id },
        bob.token,
      );
      expect(other.user.email).toBeNull();
      const anonymous = await expectData<{ user: { email: string | null } }>(stack.url, EMAIL, {
        id: alice.user.id,
      });
      expect(anonymous.user.email).toBeNull();
    }

    // Through an entity fetch: the order's customer, resolved by accounts, as its owner and as bob.
    const productId = await newProduct(stack.url, 500, 10);
    const order = await eventually(async () => {
      const r = await graphql<{ placeOrder: { id: string } }>(
        stack.url,
        `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`,
        { input: { items: [{ productId, quantity: 1 }] } },
        alice.token,
      );
      return r.data?.placeOrder;
    });
    const ORDER = `query($id: ID!) { order(id: $id) { id customer { email } } }`;
    for (let i = 0; i < 2; i++) {
      const mine = await expectData<{ order: { customer: { email: string } } }>(
        stack.url,
        ORDER,
        { id: order.id },
        alice.token,
      );
      expect(mine.order.customer.email).toMatch(/^alice-/);
      const theirs = await graphql(stack.url, ORDER, { id: order.id }, bob.token);
      expect(theirs.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      const adminView = await expectData<{ order: { customer: { email: string } } }>(
        stack.url,
        ORDER,
        { id: order.id },
        admin.token,
      );
      expect(adminView.order.customer.email).toMatch(/^alice-/);
    }
  });

  it("invalidates two gateways with one event: both show the change within a second", async () => {
    const second = await extraGateway(stack);
    extra.push(second.gateway);
    const id = await newProduct();
    for (const url of [stack.url, second.url]) {
      await readProduct(url, id);
      await readProduct(url, id);
    }
    // Written through a third party (the first gateway's writer path drops only its own entries).
    await setPrice(stack.url, id, 3333);
    const written = Date.now();
    await Promise.all(
      [stack.url, second.url].map((url) =>
        eventually(async () => (await readProduct(url, id)).priceCents === 3333, 1_000, 10),
      ),
    );
    expect(Date.now() - written).toBeLessThan(1_000);
  });

  it.skipIf(!hasRedis)(
    "keeps answering from the local tier while Redis is down, and shares entries again once it is back",
    async () => {
      const port = await freePort();
      let redis = await startRedis(port);
      try {
        const env = { REDIS_URL: `redis://127.0.0.1:${port}`, RATE_LIMIT_ENABLED: "false" };
        const a = await extraGateway(stack, env);
        const b = await extraGateway(stack, env);
        extra.push(a.gateway, b.gateway);
        const id = await newProduct(a.url);
        await eventually(async () => a.gateway.entityCache !== undefined);
        // Filled by a, read by b: the shared tier answers b's first read.
        await eventually(
          async () => {
            await readProduct(a.url, id);
            const hitsBefore = await cacheRequests(a.url, "hit", PRODUCT_TYPES);
            await readProduct(b.url, id);
            return (await cacheRequests(a.url, "hit", PRODUCT_TYPES)) > hitsBefore;
          },
          10_000,
          200,
        );

        redis.kill("SIGKILL");
        await new Promise((resolve) => redis.once("exit", resolve));
        for (let i = 0; i < 3; i++) expect((await readProduct(a.url, id)).id).toBe(id);
        await setPrice(a.url, id, 4444);
        await eventually(async () => (await readProduct(b.url, id)).priceCents === 4444, 1_000, 10);

        redis = await startRedis(port);
        await eventually(
          async () => {
            await setPrice(a.url, id, 5555);
            return (await readProduct(b.url, id)).priceCents === 5555;
          },
          10_000,
          200,
        );
        // Back in use: b's first read of a new product is answered by what a stored.
        const fresh = await newProduct(a.url);
        await eventually(
          async () => {
            await readProduct(a.url, fresh);
            const hitsBefore = await cacheRequests(a.url, "hit", PRODUCT_TYPES);
            await readProduct(b.url, fresh);
            return (await cacheRequests(a.url, "hit", PRODUCT_TYPES)) > hitsBefore;
          },
          10_000,
          200,
        );
      } finally {
        redis.kill("SIGKILL");
      }
    },
  );
});

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  await eventually(
    () =>
      new Promise<boolean>((resolve) => {
        const socket = createServer().listen(port, "127.0.0.1");
        socket.once("listening", () => socket.close(() => resolve(false)));
        socket.once("error", () => resolve(true));
      }),
    5_000,
    50,
  );
  return child;
}

// Fills every domain through the gateway's public API, so seeded data went through the same
// validation, events and projections as real traffic. Idempotent: a seeded stack is left alone.
import { DEV_ADMIN_PASSWORD, type Env } from "../../platform/config.ts";
import { GraphQLClientError, request } from "./client.ts";
import { ARTICLES, FIRST_NAMES, LAST_NAMES, POSTS, PRODUCTS } from "./data.ts";

export interface SeedSize {
  users: number;
  products: number;
  articles: number;
  posts: number;
  orders: number;
}

export const DEMO_SIZE: SeedSize = {
  users: 8,
  products: PRODUCTS.length,
  articles: ARTICLES.length,
  posts: 12,
  orders: 6,
};
export const DEMO_PASSWORD = "tributary-demo";

/** The `i`-th seeded user's name and email (unique for any `i`), so others can sign in as them. */
export function demoUser(i: number): { name: string; email: string } {
  const first = FIRST_NAMES[i % FIRST_NAMES.length]!;
  const last = LAST_NAMES[Math.floor(i / FIRST_NAMES.length) % LAST_NAMES.length]!;
  const email = `${first}.${last}${i >= FIRST_NAMES.length * LAST_NAMES.length ? i : ""}@example.com`;
  return { name: `${first} ${last}`, email: email.toLowerCase() };
}

interface Session {
  id: string;
  token: string;
}

const AUTH_FIELDS = "token user { id }";

/** Runs `work` over `items` with at most `limit` in flight: fast, without flooding a 2-core machine. */
async function inPool<T>(
  items: T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  });
  await Promise.all(lanes);
}

/**
 * Runs `work` until it stops answering NOT_FOUND, for at most a minute: inventory hears of a new product
 * through catalog's event and waits a few seconds for it itself, which a loaded machine can outlast.
 */
async function onceKnown(work: () => Promise<unknown>): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await work();
      return;
    } catch (error) {
      const unknown = error instanceof GraphQLClientError && error.code === "NOT_FOUND";
      if (!unknown || Date.now() > deadline) throw error;
    }
  }
}

async function signIn(url: string, email: string, password: string, name: string): Promise<Session> {
  try {
    const data = await request<{ register: { token: string; user: { id: string } } }>(
      url,
      `mutation($input: RegisterInput!) { register(input: $input) { ${AUTH_FIELDS} } }`,
      { input: { email, password, name } },
    );
    return { id: data.register.user.id, token: data.register.token };
  } catch (error) {
    if (!(error instanceof GraphQLClientError) || error.code !== "CONFLICT") throw error;
    const data = await request<{ login: { token: string; user: { id: string } } }>(
      url,
      `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { ${AUTH_FIELDS} } }`,
      { e: email, p: password },
    );
    return { id: data.login.user.id, token: data.login.token };
  }
}

async function adminSession(url: string, env: Env): Promise<Session> {
  const email = env.ADMIN_EMAIL ?? "admin@tributary.dev";
  const password = env.ADMIN_PASSWORD ?? DEV_ADMIN_PASSWORD;
  const data = await request<{ login: { token: string; user: { id: string } } }>(
    url,
    `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { ${AUTH_FIELDS} } }`,
    { e: email, p: password },
  );
  return { id: data.login.user.id, token: data.login.token };
}

export async function seed(url: string, env: Env, size: SeedSize): Promise<string> {
  const admin = await adminSession(url, env);
  const users: Session[] = [];
  await inPool(
    Array.from({ length: size.users }, (_, i) => i),
    8,
    async (i) => {
      const { name, email } = demoUser(i);
      users[i] = await signIn(url, email, DEMO_PASSWORD, name);
    },
  );

  const productIds: string[] = [];
  await inPool(
    Array.from({ length: size.products }, (_, i) => i),
    8,
    async (i) => {
      const base = PRODUCTS[i % PRODUCTS.length]!;
      const name = i < PRODUCTS.length ? base.name : `${base.name} #${Math.floor(i / PRODUCTS.length) + 1}`;
      const created = await request<{ createProduct: { id: string } }>(
        url,
        `mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }`,
        { input: { ...base, name } },
        admin.token,
      );
      productIds[i] = created.createProduct.id;
      await onceKnown(() =>
        request(
          url,
          `mutation($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { id } }`,
          {
            id: created.createProduct.id,
            q: 20 + ((i * 7) % 60),
          },
          admin.token,
        ),
      );
    },
  );

  await inPool(
    Array.from({ length: size.articles }, (_, i) => i),
    6,
    async (i) => {
      const article = ARTICLES[i % ARTICLES.length]!;
      const author = users[i % users.length]!;
      const title =
        i < ARTICLES.length
          ? article.title
          : `${article.title} (part ${Math.floor(i / ARTICLES.length) + 1})`;
      const created = await request<{ createArticle: { id: string } }>(
        url,
        `mutation($input: CreateArticleInput!) { createArticle(input: $input) { id } }`,
        { input: { ...article, title } },
        author.token,
      );
      if (i % 5 !== 4) {
        await request(
          url,
          `mutation($id: ID!) { publishArticle(id: $id) { id } }`,
          { id: created.createArticle.id },
          author.token,
        );
      }
    },
  );

  await inPool(
    users.map((user, i) => ({ user, i })),
    6,
    async ({ user, i }) => {
      for (let k = 1; k <= Math.min(3, users.length - 1); k++) {
        const other = users[(i + k) % users.length]!;
        await request(
          url,
          `mutation($id: ID!) { follow(userId: $id) { id } }`,
          { id: other.id },
          user.token,
        ).catch(
          // The feed learns about new users from accounts' events; a brand-new one may not be there yet.
          (error: unknown) => {
            if (!(error instanceof GraphQLClientError) || error.code !== "NOT_FOUND") throw error;
          },
        );
      }
    },
  );

  await inPool(
    Array.from({ length: size.posts }, (_, i) => i),
    6,
    async (i) => {
      await request(
        url,
        `mutation($m: String!) { publishPost(message: $m) { id } }`,
        {
          m: POSTS[i % POSTS.length]!,
        },
        users[i % users.length]!.token,
      );
    },
  );

  await inPool(
    Array.from({ length: size.orders }, (_, i) => i),
    4,
    async (i) => {
      const items = [
        { productId: productIds[i % productIds.length]!, quantity: 1 + (i % 3) },
        { productId: productIds[(i + 3) % productIds.length]!, quantity: 1 },
      ];
      await request(
        url,
        `mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`,
        {
          input: { items },
        },
        users[i % users.length]!.token,
      );
    },
  );

  return `seeded ${size.users} users (password "${DEMO_PASSWORD}"), ${size.products} products, ${size.articles} articles, ${size.posts} posts, ${size.orders} orders`;
}

/** `npm start`'s first-run demo content; does nothing when products already exist. */
export async function seedDemoData(url: string, env: Env): Promise<string> {
  const existing = await request<{ products: { pageInfo: { totalItems: number } } }>(
    url,
    `{ products(perPage: 1) { pageInfo { totalItems } } }`,
  );
  if (existing.products.pageInfo.totalItems > 0) return "demo data already present (not seeded again)";
  const summary = await seed(url, env, DEMO_SIZE);
  const usingDefault = !env.ADMIN_PASSWORD;
  return `${summary}; admin: ${env.ADMIN_EMAIL ?? "admin@tributary.dev"}${usingDefault ? ` / ${DEV_ADMIN_PASSWORD} (development default)` : ""}`;
}

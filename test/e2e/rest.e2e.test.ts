// The seed designs' REST routes end to end through the gateway: every route with its errors, auth and paging,
// and /messages/stream resumed with Last-Event-ID. All six subgraphs run for real.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../events/testing/wait.ts";
import { openSse, type RestAnswer, rest } from "../support/rest.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const PROBLEM = "application/problem+json";
const admin = tokenFor(["ADMIN"]);

type Session = { token: string; refreshToken: string; user: { id: string; name: string; email: string } };
type Message = { id: string; user: { id: string; name: string }; message: string; timestamp: string };
type Article = {
  id: string;
  title: string;
  status: string;
  tags: string[];
  category: string;
  content: string;
};
type Product = { id: string; name: string; stock: number; priceCents: number; category: string };
type Order = { id: string; status: string; totalCents: number; payment: { status: string } | null };
type Page<T> = {
  items: T[];
  pageInfo: { page: number; perPage: number; totalItems: number; hasNext: boolean };
};

function expectProblem(answer: RestAnswer, status: number, code: string): void {
  expect(answer.contentType, JSON.stringify(answer.body)).toBe(PROBLEM);
  expect(answer.body).toMatchObject({ status, code, type: expect.stringMatching(/^https:\/\//) });
  expect(answer.status).toBe(status);
}

describe("the seeds' REST routes through the gateway", () => {
  let stack: Stack;
  let origin: string;
  let alice: Session;
  let bob: Session;
  const call = <T = unknown>(method: string, path: string, options: Parameters<typeof rest>[3] = {}) =>
    rest<T>(origin, method, path, options);

  async function register(name: string): Promise<Session> {
    const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
    const answer = await call<Session>("POST", "/users/register", {
      body: { email, name, password: "correct horse battery" },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body;
  }

  beforeAll(async () => {
    stack = await startStack({ env: { RATE_LIMIT_LOGIN_POINTS: "4" } });
    origin = new URL(stack.url).origin;
    alice = await register("Alice");
    bob = await register("Bob");
  });
  afterAll(() => stack?.stop());

  describe("users (the API-gateway seed)", () => {
    it("registers with 201 and Location, refuses a taken email with 409, signs in and refreshes", async () => {
      const email = `carol-${randomUUID().slice(0, 8)}@example.com`;
      const created = await call<Session>("POST", "/users/register", {
        body: { email, name: "Carol", password: "correct horse battery" },
      });
      expect(created.status).toBe(201);
      expect(created.headers.get("location")).toBe(`/users/${created.body.user.id}`);
      expect(created.body).toMatchObject({ token: expect.any(String), user: { name: "Carol", email } });
      const again = await call("POST", "/users/register", {
        body: { email, name: "Carol", password: "correct horse battery" },
      });
      expectProblem(again, 409, "CONFLICT");

      const login = await call<Session>("POST", "/users/login", {
        body: { email, password: "correct horse battery" },
      });
      expect(login.status).toBe(200);
      expect(login.body.user.id).toBe(created.body.user.id);
      const refreshed = await call<Session>("POST", "/users/refresh", {
        body: { refreshToken: login.body.refreshToken },
      });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.user.id).toBe(created.body.user.id);
    });

    it("answers a wrong password with 401 and, past the login budget, 429 with Retry-After", async () => {
      const email = `dave-${randomUUID().slice(0, 8)}@example.com`;
      await call("POST", "/users/register", {
        body: { email, name: "Dave", password: "correct horse battery" },
      });
      const statuses: number[] = [];
      let limited: RestAnswer | undefined;
      for (let i = 0; i < 6 && !limited; i++) {
        const answer = await call("POST", "/users/login", { body: { email, password: "wrong wrong wrong" } });
        statuses.push(answer.status);
        if (answer.status === 429) limited = answer;
        else expectProblem(answer, 401, "UNAUTHENTICATED");
      }
      expect(limited, `statuses: ${statuses}`).toBeDefined();
      expectProblem(limited!, 429, "RATE_LIMITED");
      expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThan(0);
      expect((limited!.body as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
    });

    it("serves the profile to its owner only: 401 without a token, PATCH changes it, GET /users/{id} reads others", async () => {
      expectProblem(await call("GET", "/users/profile"), 401, "UNAUTHENTICATED");
      const profile = await call<Session["user"]>("GET", "/users/profile", { token: alice.token });
      expect(profile.body).toMatchObject({ id: alice.user.id, email: alice.user.email, roles: ["CUSTOMER"] });
      const renamed = await call("PATCH", "/users/profile", {
        token: alice.token,
        body: { name: "Alice A." },
      });
      expect(renamed.body).toMatchObject({ id: alice.user.id, name: "Alice A." });
      expectProblem(await call("PATCH", "/users/profile", { body: { name: "x" } }), 401, "UNAUTHENTICATED");
      // Someone else's email is hidden (null), as GraphQL hides it.
      const other = await call("GET", `/users/${alice.user.id}`, { token: bob.token });
      expect(other.body).toMatchObject({ id: alice.user.id, name: "Alice A.", email: null });
      expectProblem(await call("GET", `/users/${randomUUID()}`), 404, "NOT_FOUND");
    });
  });

  describe("messages (the microblog seed)", () => {
    it("publishes with 201 and Location, reads one, deletes it as its author only", async () => {
      expectProblem(
        await call("POST", "/publish", { body: { message: "anonymous" } }),
        401,
        "UNAUTHENTICATED",
      );
      const published = await call<Message>("POST", "/publish", {
        token: alice.token,
        body: { message: "Hello Kafka!" },
      });
      expect(published.status).toBe(201);
      expect(published.body).toMatchObject({ message: "Hello Kafka!", user: { id: alice.user.id } });
      expect(Date.parse(published.body.timestamp)).not.toBeNaN();
      const location = published.headers.get("location")!;
      expect(location).toBe(`/messages/${published.body.id}`);
      expect((await call<Message>("GET", location)).body).toEqual(published.body);
      expectProblem(
        await call("POST", "/publish", { token: alice.token, body: { message: " " } }),
        400,
        "BAD_USER_INPUT",
      );

      expectProblem(await call("DELETE", location, { token: bob.token }), 403, "FORBIDDEN");
      const deleted = await call("DELETE", location, { token: alice.token });
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBe("");
      expectProblem(await call("GET", location), 404, "NOT_FOUND");
      expectProblem(await call("DELETE", location, { token: alice.token }), 404, "NOT_FOUND");
    });

    it("lists messages newest first with cursor paging and an author filter", async () => {
      const poster = await register("Poster");
      for (const text of ["one", "two", "three"])
        await call("POST", "/publish", { token: poster.token, body: { message: text } });
      type Messages = { items: Message[]; pageInfo: { endCursor: string; hasNextPage: boolean } };
      const first = await call<Messages>("GET", `/messages?author_id=${poster.user.id}&first=2`);
      expect(first.body.items.map((m) => m.message)).toEqual(["three", "two"]);
      expect(first.body.pageInfo.hasNextPage).toBe(true);
      const next = await call<Messages>(
        "GET",
        `/messages?author_id=${poster.user.id}&first=2&after=${encodeURIComponent(first.body.pageInfo.endCursor)}`,
      );
      expect(next.body.items.map((m) => m.message)).toEqual(["one"]);
      expect(next.body.pageInfo.hasNextPage).toBe(false);
      const all = await call<Messages>("GET", "/messages");
      expect(all.body.items.length).toBeGreaterThanOrEqual(3);
      expectProblem(await call("GET", "/messages?first=lots"), 400, "BAD_USER_INPUT");
    });

    it("streams new messages as Server-Sent Events and resumes after Last-Event-ID", async () => {
      const streamer = await register("Streamer");
      const url = `${origin}/messages/stream?author_id=${streamer.user.id}`;
      const live = await openSse(url);
      expect(live.status).toBe(200);
      expect(live.contentType).toMatch(/^text\/event-stream/);
      const publish = (message: string) =>
        call("POST", "/publish", { token: streamer.token, body: { message } });
      await publish("live 1");
      await publish("live 2");
      const one = await live.next();
      const two = await live.next();
      expect(JSON.parse(one.data)).toMatchObject({ message: "live 1", user: { id: streamer.user.id } });
      expect(JSON.parse(two.data)).toMatchObject({ message: "live 2" });
      expect(one.id).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(two.id).not.toBe(one.id);
      live.close();

      // Missed while disconnected, then resumed from the last event received: only what came after it.
      await publish("missed 3");
      await publish("missed 4");
      const resumed = await openSse(url, { "last-event-id": two.id! });
      expect(resumed.status).toBe(200);
      const three = await resumed.next();
      const four = await resumed.next();
      // Kafka orders events within a partition only, and posts spread over partitions: compare as sets.
      const missed = [JSON.parse(three.data).message, JSON.parse(four.data).message];
      expect(missed.sort()).toEqual(["missed 3", "missed 4"]);
      expect([three.id, four.id]).not.toContain(two.id);
      await publish("live 5");
      expect(JSON.parse((await resumed.next()).data).message).toBe("live 5");
      resumed.close();

      // From the first event's id instead: everything after it again.
      const replay = await openSse(url, { "last-event-id": one.id! });
      const replayed = [];
      for (let i = 0; i < 4; i++) replayed.push(JSON.parse((await replay.next()).data).message);
      expect(replayed.sort()).toEqual(["live 2", "live 5", "missed 3", "missed 4"]);
      replay.close();
    });

    it("refuses a stream with a Last-Event-ID it never issued, or an unknown parameter, before subscribing", async () => {
      const bad = await openSse(`${origin}/messages/stream`, { "last-event-id": "not a cursor" });
      expect(bad.status).toBe(400);
      expect(bad.problem).toMatchObject({ code: "BAD_USER_INPUT", status: 400 });
      const unknown = await openSse(`${origin}/messages/stream?after=x`);
      expect(unknown.problem).toMatchObject({
        code: "BAD_USER_INPUT",
        detail: expect.stringContaining('"after"'),
      });
    });
  });

  describe("articles (the blog seed)", () => {
    it("creates, reads, replaces, patches, publishes, archives and deletes an article, with the author's rights", async () => {
      expectProblem(
        await call("POST", "/api/v1/articles", { body: { title: "t", content: "c", category: "tech" } }),
        401,
        "UNAUTHENTICATED",
      );
      const created = await call<Article>("POST", "/api/v1/articles", {
        token: alice.token,
        body: {
          title: "Mon Premier Article",
          content: "Contenu...",
          category: "technology",
          tags: ["api", "rest"],
        },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ status: "DRAFT", tags: ["api", "rest"] });
      const location = created.headers.get("location")!;
      expect(location).toBe(`/api/v1/articles/${created.body.id}`);
      // A draft is its author's (and admins') only.
      expect((await call<Article>("GET", location, { token: alice.token })).body.title).toBe(
        "Mon Premier Article",
      );
      expectProblem(await call("GET", location, { token: bob.token }), 404, "NOT_FOUND");

      const replaced = await call<Article>("PUT", location, {
        token: alice.token,
        body: { title: "Replaced", content: "New content", category: "programming" },
      });
      expect(replaced.body).toMatchObject({ title: "Replaced", category: "programming", tags: [] });
      expectProblem(
        await call("PUT", location, { token: alice.token, body: { title: "Only" } }),
        400,
        "BAD_USER_INPUT",
      );
      const patched = await call<Article>("PATCH", location, {
        token: alice.token,
        body: { tags: ["graphql"] },
      });
      expect(patched.body).toMatchObject({ title: "Replaced", tags: ["graphql"] });
      expectProblem(
        await call("PATCH", location, { token: bob.token, body: { title: "Mine" } }),
        403,
        "FORBIDDEN",
      );

      // The seed's curl: POST .../publish with no body at all.
      const published = await call<Article & { publishedAt: string }>("POST", `${location}/publish`, {
        token: alice.token,
      });
      expect(published.body).toMatchObject({ status: "PUBLISHED", publishedAt: expect.any(String) });
      expect((await call<Article>("GET", location)).body.status).toBe("PUBLISHED");
      const archived = await call<Article>("POST", `${location}/archive`, { token: alice.token });
      expect(archived.body.status).toBe("ARCHIVED");

      expectProblem(await call("DELETE", location, { token: bob.token }), 403, "FORBIDDEN");
      expect((await call("DELETE", location, { token: alice.token })).status).toBe(204);
      expectProblem(await call("GET", location, { token: alice.token }), 404, "NOT_FOUND");
      expectProblem(await call("POST", `${location}/publish`, { token: alice.token }), 404, "NOT_FOUND");
    });

    it("lists with page, per_page, status, category and author, and searches published articles", async () => {
      const writer = await register("Writer");
      const category = `cat-${randomUUID().slice(0, 8)}`;
      for (const title of ["Kafka streams", "Kafka topics", "Flask routes"]) {
        const created = await call<Article>("POST", "/api/v1/articles", {
          token: writer.token,
          body: { title, content: `About ${title}`, category },
        });
        await call("POST", `/api/v1/articles/${created.body.id}/publish`, { token: writer.token });
      }
      const page2 = await call<Page<Article>>(
        "GET",
        `/api/v1/articles?category=${category}&status=PUBLISHED&per_page=2&page=2`,
      );
      expect(page2.status).toBe(200);
      expect(page2.body.items).toHaveLength(1);
      expect(page2.body.pageInfo).toMatchObject({ page: 2, perPage: 2, totalItems: 3, hasNext: false });
      const byAuthor = await call<Page<Article>>("GET", `/api/v1/articles?author=${writer.user.id}`);
      expect(byAuthor.body.pageInfo.totalItems).toBe(3);
      expectProblem(await call("GET", "/api/v1/articles?per_page=1000"), 400, "BAD_USER_INPUT");

      const found = await eventually(async () => {
        const answer = await call<Page<Article>>(
          "GET",
          `/api/v1/articles/search?q=${encodeURIComponent("kafka")}&per_page=50`,
        );
        const titles = answer.body.items.filter((a) => a.category === category).map((a) => a.title);
        return titles.length === 2 ? titles : undefined;
      });
      expect(found.sort()).toEqual(["Kafka streams", "Kafka topics"]);
    });
  });

  describe("products and orders (the API-gateway seed)", () => {
    it("lets admins create, stock, change and delete products; customers only read them", async () => {
      const body = { name: "Widget", priceCents: 1500, category: `cat-${randomUUID().slice(0, 8)}` };
      expectProblem(await call("POST", "/products", { body }), 401, "UNAUTHENTICATED");
      expectProblem(await call("POST", "/products", { token: alice.token, body }), 403, "FORBIDDEN");
      const created = await call<Product>("POST", "/products", { token: admin.token, body });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: "Widget", priceCents: 1500, stock: 0, inStock: false });
      const location = created.headers.get("location")!;
      expect(location).toBe(`/products/${created.body.id}`);
      const stocked = await eventually(async () => {
        const answer = await call<Product>("PUT", `${location}/stock`, {
          token: admin.token,
          body: { quantity: 5 },
        });
        return answer.status === 200 ? answer.body : undefined;
      });
      expect(stocked.stock).toBe(5);
      expectProblem(
        await call("PUT", `${location}/stock`, { token: alice.token, body: { quantity: 9 } }),
        403,
        "FORBIDDEN",
      );
      const changed = await call<Product>("PATCH", location, {
        token: admin.token,
        body: { priceCents: 1700 },
      });
      expect(changed.body.priceCents).toBe(1700);
      const listed = await call<Page<Product>>("GET", `/products?category=${body.category}`);
      expect(listed.body.items.map((p) => p.id)).toEqual([created.body.id]);
      expect((await call<Product>("GET", location)).body).toMatchObject({ stock: 5, priceCents: 1700 });

      expectProblem(await call("DELETE", location, { token: alice.token }), 403, "FORBIDDEN");
      expect((await call("DELETE", location, { token: admin.token })).status).toBe(204);
      // Deleting discontinues: the product stays readable (orders name it) but is no longer listed.
      expect((await call<Product>("GET", location)).body).toMatchObject({ discontinued: true });
      const after = await call<Page<Product>>("GET", `/products?category=${body.category}`);
      expect(after.body.items).toEqual([]);
      expectProblem(await call("DELETE", location, { token: admin.token }), 404, "NOT_FOUND");
    });

    it("places, reads, pays and cancels orders; only their customer and admins see them", async () => {
      const product = await call<Product>("POST", "/products", {
        token: admin.token,
        body: { name: "Gadget", priceCents: 1000, category: "gadgets" },
      });
      const productId = product.body.id;
      await eventually(async () => {
        const answer = await call("PUT", `/products/${productId}/stock`, {
          token: admin.token,
          body: { quantity: 10 },
        });
        return answer.status === 200;
      });
      expectProblem(
        await call("POST", "/orders", { body: { items: [{ productId, quantity: 1 }] } }),
        401,
        "UNAUTHENTICATED",
      );
      const placed = await call<Order>("POST", "/orders", {
        token: alice.token,
        body: { items: [{ productId, quantity: 2 }] },
      });
      expect(placed.status).toBe(201);
      expect(placed.body).toMatchObject({ status: "PENDING", totalCents: 2000 });
      const location = placed.headers.get("location")!;
      expect(location).toBe(`/orders/${placed.body.id}`);
      await eventually(
        async () => (await call<Order>("GET", location, { token: alice.token })).body.status === "CONFIRMED",
      );
      expectProblem(await call("GET", location, { token: bob.token }), 403, "FORBIDDEN");
      expectProblem(await call("GET", location), 401, "UNAUTHENTICATED");

      const paid = await call<Order>("POST", `${location}/pay`, {
        token: alice.token,
        body: { method: "tok_visa" },
      });
      expect(paid.body).toMatchObject({ status: "PAID", payment: { status: "SUCCEEDED" } });
      expectProblem(
        await call("POST", `${location}/pay`, { token: alice.token, body: { method: "tok_visa" } }),
        409,
        "CONFLICT",
      );

      const second = await call<Order>("POST", "/orders", {
        token: alice.token,
        body: { items: [{ productId, quantity: 1 }] },
      });
      const cancelled = await call<Order>("POST", `/orders/${second.body.id}/cancel`, { token: alice.token });
      expect(cancelled.body.status).toBe("CANCELLED");

      const mine = await call<Page<Order>>("GET", "/orders?per_page=1", { token: alice.token });
      expect(mine.body.pageInfo).toMatchObject({ perPage: 1, totalItems: 2, hasNext: true });
      const cancelledOnly = await call<Page<Order>>("GET", "/orders?status=CANCELLED", {
        token: alice.token,
      });
      expect(cancelledOnly.body.items.map((o) => o.id)).toEqual([second.body.id]);
      expectProblem(await call("GET", "/orders"), 401, "UNAUTHENTICATED");
      expectProblem(await call("GET", "/admin/orders", { token: alice.token }), 403, "FORBIDDEN");
      const all = await call<Page<Order>>("GET", "/admin/orders?per_page=100", { token: admin.token });
      expect(all.body.items.map((o) => o.id)).toEqual(
        expect.arrayContaining([placed.body.id, second.body.id]),
      );
      expectProblem(
        await call("POST", "/orders", {
          token: alice.token,
          body: { items: [{ productId, quantity: 0 }] },
        }),
        400,
        "BAD_USER_INPUT",
      );
    });
  });
  describe("the README's REST examples", () => {
    it("run as written with curl against the gateway", async () => {
      const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
      const block = /<!-- rest-examples[^>]*-->\n```bash\n([\s\S]*?)```/.exec(readme)?.[1];
      expect(block, "the README's REST block").toBeDefined();
      // The block reads the first product; the README runs against npm start's seeded catalog.
      await call("POST", "/products", {
        token: admin.token,
        body: { name: "Kenya AA", priceCents: 1800, category: "coffee" },
      });
      // Every curl fails the script on an HTTP error, with the problem document on stderr for the message.
      const script = [
        "set -euo pipefail",
        'curl() { command curl --fail-with-body "$@"; }',
        block!.replaceAll("http://localhost:4000", origin),
      ].join("\n");
      const { stdout } = await promisify(execFile)("bash", ["-c", script], { timeout: 60_000 }).catch(
        (error: { stdout: string; stderr: string }) => {
          throw new Error(`the README's REST block failed:\n${error.stdout}\n${error.stderr}`);
        },
      );
      expect(stdout).toContain('"message":"Hello Kafka!"');
      expect(stdout).toContain('"title":"Mon Premier Article"');
      expect(stdout).toContain('"status":"PUBLISHED"');
      expect(stdout).toContain('{"status":"ok"}');
      expect(stdout).toContain('"status":"PENDING"');
      expect(stdout).toContain('"name":"Me"');
    });
  });
});

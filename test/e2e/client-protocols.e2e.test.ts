// Popular clients with their defaults, nothing configured for this gateway: Apollo Client's HttpLink alone
// (queries over POST, subscriptions over multipart HTTP), urql's default client (queries over GET,
// subscriptions over fetch), graphql-ws and graphql-sse. Each receives a live stockChanged event.
import { ApolloClient, gql, HttpLink, InMemoryCache } from "@apollo/client";
import { cacheExchange, fetchExchange, Client as UrqlClient } from "@urql/core";
import { createClient as createSseClient } from "graphql-sse";
import { createClient as createWsClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { eventually } from "../../events/testing/wait.ts";
import { expectData } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const admin = tokenFor(["ADMIN"]);
const STOCK_CHANGED = "subscription($id: ID) { stockChanged(productId: $id) { id name stock } }";
const MULTIPART_ACCEPT = 'multipart/mixed;subscriptionSpec="1.0", application/json';

interface StockEvent {
  id: string;
  name: string;
  stock: number;
}

describe("clients with their default transports", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ["catalog", "inventory"] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  async function createProduct(name: string): Promise<string> {
    const data = await expectData<{ createProduct: { id: string } }>(
      stack.url,
      "mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }",
      { input: { name, category: "coffee", priceCents: 1200 } },
      admin.token,
    );
    return data.createProduct.id;
  }

  /** Changes the product's stock until `received` holds an event (the subscription registers asynchronously). */
  async function untilEvent(id: string, received: StockEvent[]): Promise<StockEvent> {
    let quantity = 10;
    return eventually(async () => {
      await expectData(
        stack.url,
        "mutation($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { id } }",
        { id, q: ++quantity },
        admin.token,
      );
      await new Promise((r) => setTimeout(r, 250));
      return received[0];
    });
  }

  it("Apollo Client with only an HttpLink subscribes over multipart HTTP", async () => {
    const id = await createProduct("Multipart Mocha");
    const client = new ApolloClient({
      link: new HttpLink({ uri: stack.url, headers: { authorization: admin.authorization } }),
      cache: new InMemoryCache(),
    });
    const received: StockEvent[] = [];
    const errors: unknown[] = [];
    const subscription = client.subscribe({ query: gql(STOCK_CHANGED), variables: { id } }).subscribe({
      next: (result) => {
        if (result.error) errors.push(result.error);
        const event = (result.data as { stockChanged?: StockEvent } | undefined)?.stockChanged;
        if (event) received.push(event);
      },
      error: (error) => errors.push(error),
    });
    try {
      const first = await untilEvent(id, received);
      expect(first).toMatchObject({ id, name: "Multipart Mocha" });
      expect(errors).toEqual([]);
    } finally {
      subscription.unsubscribe();
      client.stop();
    }
  });

  it("urql's default client queries over GET (not refused as CSRF) and subscribes over fetch", async () => {
    const id = await createProduct("Urql Ristretto");
    const sent: { method: string; accept: string | null }[] = [];
    const client = new UrqlClient({
      url: stack.url,
      exchanges: [cacheExchange, fetchExchange],
      fetchSubscriptions: true,
      fetchOptions: { headers: { authorization: admin.authorization } },
      fetch: (input, init) => {
        sent.push({ method: init?.method ?? "GET", accept: new Headers(init?.headers).get("accept") });
        return fetch(input, init);
      },
    });
    const query = await client.query("query($id: ID!) { product(id: $id) { id name } }", { id }).toPromise();
    expect(query.error).toBeUndefined();
    expect(query.data).toEqual({ product: { __typename: "Product", id, name: "Urql Ristretto" } });
    expect(sent[0]?.method).toBe("GET");

    const received: StockEvent[] = [];
    const errors: unknown[] = [];
    const subscription = client.subscription(STOCK_CHANGED, { id }).subscribe((result) => {
      if (result.error) errors.push(result.error);
      const event = (result.data as { stockChanged?: StockEvent } | undefined)?.stockChanged;
      if (event) received.push(event);
    });
    try {
      const first = await untilEvent(id, received);
      expect(first).toMatchObject({ id, name: "Urql Ristretto" });
      expect(errors).toEqual([]);
    } finally {
      subscription.unsubscribe();
    }
  });

  it("graphql-ws receives the event", async () => {
    const id = await createProduct("Websocket Lungo");
    const client = createWsClient({
      url: stack.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: admin.authorization },
    });
    const received: StockEvent[] = [];
    const stop = client.subscribe<{ stockChanged: StockEvent }>(
      { query: STOCK_CHANGED, variables: { id } },
      { next: (r) => r.data && received.push(r.data.stockChanged), error: () => {}, complete: () => {} },
    );
    try {
      expect(await untilEvent(id, received)).toMatchObject({ id, name: "Websocket Lungo" });
    } finally {
      stop();
      await client.dispose();
    }
  });

  it("graphql-sse receives the event", async () => {
    const id = await createProduct("Sse Cortado");
    const client = createSseClient({
      url: `${stack.url}/stream`,
      headers: { authorization: admin.authorization },
      retryAttempts: 0,
    });
    const received: StockEvent[] = [];
    const stop = client.subscribe<{ stockChanged: StockEvent }>(
      { query: STOCK_CHANGED, variables: { id } },
      { next: (r) => r.data && received.push(r.data.stockChanged), error: () => {}, complete: () => {} },
    );
    try {
      expect(await untilEvent(id, received)).toMatchObject({ id, name: "Sse Cortado" });
    } finally {
      stop();
      client.dispose();
    }
  });
});

describe("multipart subscriptions and GET queries, as a client that reads the wire sees them", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ subgraphs: ["catalog", "inventory"], env: { WS_KEEPALIVE_MS: "300" } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** Reads a multipart response until `enough` says stop; returns the raw text read so far. */
  async function readMultipart(response: Response, enough: (text: string) => boolean): Promise<string> {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const deadline = Date.now() + 10_000;
    while (!enough(text) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel().catch(() => undefined);
    return text;
  }

  function parts(text: string): unknown[] {
    return text
      .split("\r\n--graphql")
      .map((chunk) => /\r\n\r\n([\s\S]*)$/.exec(chunk)?.[1])
      .filter((body): body is string => body !== undefined)
      .map((body) => JSON.parse(body));
  }

  function subscribe(body: unknown, headers: Record<string, string> = {}) {
    return fetch(stack.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: MULTIPART_ACCEPT, ...headers },
      body: JSON.stringify(body),
    });
  }

  it("frames events as {payload}, sends {} heartbeats, with the subscriptionSpec content type", async () => {
    const response = await subscribe(
      { query: "subscription { stockChanged { id } }" },
      { authorization: admin.authorization },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(
      'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"',
    );
    const text = await readMultipart(response, (t) => parts(t).length >= 2);
    expect(text.startsWith("\r\n--graphql\r\n")).toBe(true);
    expect(parts(text).slice(0, 2)).toEqual([{}, {}]);
  });

  it("refuses what graphql-ws refuses, with the same codes: bad token, invalid field, limits", async () => {
    const badToken = await subscribe(
      { query: "subscription { stockChanged { id } }" },
      { authorization: "Bearer not-a-token" },
    );
    const refusedToken = parts(await readMultipart(badToken, (t) => t.endsWith("--graphql--\r\n")));
    expect(refusedToken).toMatchObject([
      { payload: { data: null, errors: [{ extensions: { code: "UNAUTHENTICATED" } }] } },
    ]);

    const invalid = await subscribe({ query: "subscription { stockChanged { nope } }" });
    const refusedInvalid = parts(await readMultipart(invalid, (t) => t.endsWith("--graphql--\r\n")));
    expect(
      (refusedInvalid[0] as { payload: { errors: { message: string }[] } }).payload.errors[0]?.message,
    ).toMatch(/nope/);

    // Aliases multiply the work a subscription does per event: the HTTP limit applies here too.
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: stockChanged { id }`).join(" ");
    const tooMany = await subscribe(
      { query: `subscription { ${aliases} }` },
      { authorization: admin.authorization },
    );
    const refusedLimit = parts(await readMultipart(tooMany, (t) => t.endsWith("--graphql--\r\n")));
    expect((refusedLimit[0] as { payload: { errors: unknown[] } }).payload.errors.length).toBeGreaterThan(0);
  });

  it("delivers to a filtered subscription through fragments and variables, and not another product's events", async () => {
    const created = await Promise.all(
      ["Filter A", "Filter B"].map((name) =>
        expectData<{ createProduct: { id: string } }>(
          stack.url,
          "mutation($input: CreateProductInput!) { createProduct(input: $input) { id } }",
          { input: { name, category: "coffee", priceCents: 900 } },
          admin.token,
        ),
      ),
    );
    const [a, b] = created.map((c) => c.createProduct.id);
    const response = await subscribe(
      {
        query:
          "subscription S($id: ID) { changed: stockChanged(productId: $id) { ...F } } fragment F on Product { id stock }",
        variables: { id: a },
        operationName: "S",
      },
      { authorization: admin.authorization },
    );
    let quantity = 50;
    const reading = readMultipart(response, (t) =>
      parts(t).some((p) => (p as { payload?: unknown }).payload !== undefined),
    );
    const writer = (async () => {
      for (let i = 0; i < 40; i++) {
        quantity++;
        for (const id of [b, a]) {
          await expectData(
            stack.url,
            "mutation($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { id } }",
            { id, q: quantity },
            admin.token,
          );
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const text = await reading;
    void writer.catch(() => undefined);
    const events = parts(text).filter((p) => (p as { payload?: unknown }).payload !== undefined);
    expect(events[0]).toMatchObject({ payload: { data: { changed: { id: a } } } });
    expect(JSON.stringify(events)).not.toContain(b);
  });

  it("queries over GET with a JSON accept header; refuses GET mutations and GETs a page could forge", async () => {
    const query = encodeURIComponent("{ products(perPage: 1) { items { id } } }");
    const ok = await fetch(`${stack.url}?query=${query}`, {
      headers: { accept: "application/graphql-response+json, application/json" },
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { data?: unknown }).data).toBeDefined();

    // What an <img> or a form's GET sends: no JSON accept, so CSRF prevention still refuses it.
    const forged = await fetch(`${stack.url}?query=${query}`, { headers: { accept: "*/*" } });
    expect(forged.status).toBe(400);
    expect(await forged.text()).toMatch(/CSRF/);

    // A client-sent copy of the marker header changes nothing.
    const spoofed = await fetch(`${stack.url}?query=${query}`, {
      headers: { accept: "*/*", "x-tributary-json-get": "1" },
    });
    expect(spoofed.status).toBe(400);

    const mutation = encodeURIComponent(
      'mutation { createProduct(input: { name: "x", category: "c", priceCents: 1 }) { id } }',
    );
    const mutated = await fetch(`${stack.url}?query=${mutation}`, {
      headers: { accept: "application/json", authorization: admin.authorization },
    });
    expect(mutated.status).toBe(405);

    // A form POST (text/plain) stays refused too.
    const form = await fetch(stack.url, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(form.status).toBe(400);
  });

  it("serves SSE on /graphql to clients that ask for it first, with no mutation over GET or from a form", async () => {
    const subscription = encodeURIComponent("subscription { stockChanged { id } }");
    const stream = await fetch(`${stack.url}?query=${subscription}`, {
      headers: { accept: "text/event-stream" },
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toMatch(/text\/event-stream/);
    await stream.body?.cancel();

    const mutation =
      'mutation { createProduct(input: { name: "Forged", category: "c", priceCents: 1 }) { id } }';
    const overGet = await fetch(`${stack.url}?query=${encodeURIComponent(mutation)}`, {
      headers: { accept: "text/event-stream", authorization: admin.authorization },
    });
    expect(overGet.status).toBe(405);
    // What a cross-site page can send without a preflight: text/plain. graphql-sse reads JSON bodies only.
    const form = await fetch(stack.url, {
      method: "POST",
      headers: {
        accept: "text/event-stream",
        "content-type": "text/plain",
        authorization: admin.authorization,
      },
      body: JSON.stringify({ query: mutation }),
    });
    expect(form.status).toBeGreaterThanOrEqual(400);
    await form.body?.cancel();
    const found = await expectData<{ products: { items: { name: string }[] } }>(
      stack.url,
      "{ products(perPage: 100) { items { name } } }",
    );
    expect(found.products.items.map((p) => p.name)).not.toContain("Forged");
  });

  it("tells a client that POSTs a subscription as JSON every transport that serves it", async () => {
    const response = await fetch(stack.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "subscription { stockChanged { id } }" }),
    });
    expect(response.status).toBe(400);
    const message = ((await response.json()) as { errors: { message: string }[] }).errors[0]?.message;
    const host = new URL(stack.url).host;
    expect(message).toContain(`ws://${host}/graphql`);
    expect(message).toContain("/graphql/stream");
    expect(message).toContain('multipart/mixed;subscriptionSpec="1.0"');
  });
});

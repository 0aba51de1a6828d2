import { type Client, createClient } from "graphql-ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestBroker, type TestBroker } from "../../events/testing/broker.ts";
import { startEventProducer, type TestEventProducer } from "../../events/testing/event-producer.ts";
import { waitFor } from "../../events/testing/wait.ts";
import type { RunningSubgraph } from "../../test/support/fixture-server.ts";
import {
  catalogSdl,
  INVENTORY_SDL,
  startCatalog,
  startInventory,
} from "../../test/support/fixture-subgraphs.ts";
import { bearer, startTestGateway, type TestGateway } from "../../test/support/gateway.ts";
import { composeSupergraph, writeSupergraph } from "../../test/support/supergraph.ts";
import { decodeCursor } from "./source/cursor.ts";

let broker: TestBroker;
let events: TestEventProducer;
let catalog: RunningSubgraph;
let inventory: RunningSubgraph;
let gw: TestGateway;
const clients: Client[] = [];

beforeAll(async () => {
  [broker, catalog, inventory] = await Promise.all([
    startTestBroker({
      topics: ["inventory.stock.changed", "orders.order.status-changed", "feed.notification.created"],
    }),
    startCatalog(),
    startInventory(),
  ]);
  events = await startEventProducer(broker.address);
  const supergraph = composeSupergraph([
    {
      name: "catalog",
      url: "http://localhost:4002/graphql",
      typeDefs: catalogSdl({ withDescription: true }),
    },
    { name: "inventory", url: "http://localhost:4004/graphql", typeDefs: INVENTORY_SDL },
  ]);
  gw = await startTestGateway({
    SUPERGRAPH_PATH: await writeSupergraph(supergraph),
    SUBGRAPH_URLS: `catalog=${catalog.url},inventory=${inventory.url}`,
    SUBSCRIPTIONS_ENABLED: "true",
    KAFKA_BROKERS: broker.address,
  });
  await gw.gateway.whenConsuming();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
  await waitFor(() => gw.gateway.stats().subscribers === 0, "every subscriber gone", 5000);
});

afterAll(async () => {
  await gw?.stop();
  await events?.stop();
  await Promise.all([broker?.stop(), catalog?.stop(), inventory?.stop()]);
});

function connect(authorization?: string): Client {
  const client = createClient({
    url: gw.wsUrl,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: authorization ? { authorization } : {},
  });
  clients.push(client);
  return client;
}

interface Payload {
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

/** Subscribes and waits until the gateway has registered it, so events produced next are delivered. */
async function subscribe(client: Client, query: string, variables?: Record<string, unknown>) {
  const before = gw.gateway.stats().subscribers;
  const results = client.iterate<Payload>({ query, variables }) as AsyncIterableIterator<Payload>;
  const first = results.next();
  // A subscription a test never reads to its end rejects when the socket closes; that is expected.
  first.catch(() => {});
  await waitFor(() => gw.gateway.stats().subscribers > before, "the new subscriber", 5000);
  let pending: Promise<IteratorResult<Payload>> | undefined = first;
  return {
    async next(): Promise<Payload> {
      const result = await (pending ?? results.next());
      pending = undefined;
      if (result.done) throw new Error("the subscription ended");
      return result.value;
    },
  };
}

const alice = () => bearer(gw.tokens, { id: "u1", roles: ["CUSTOMER"] });
const admin = () => bearer(gw.tokens, { id: "a1", roles: ["ADMIN"] });
const stockEvent = (productId: string, quantity = 1) => ({
  entity: { typename: "Product", id: productId },
  productId,
  quantity,
});

describe("subscriptions over graphql-ws", () => {
  it("deliver each event with fields from both subgraphs and a resumable cursor", async () => {
    const sub = await subscribe(connect(), `subscription { stockChanged { id name stock } }`);
    await events.produce("inventory.stock.changed", stockEvent("p1"));
    const payload = await sub.next();
    expect(payload.data).toEqual({ stockChanged: { id: "p1", name: "Kettle", stock: 5 } });
    const cursor = decodeCursor(String(payload.extensions?.cursor));
    expect(cursor?.topic).toBe("inventory.stock.changed");
    expect([...(cursor?.offsets.values() ?? [])].some((offset) => offset >= 0n)).toBe(true);
  });

  it("keep the client's alias, fragments and variables", async () => {
    const sub = await subscribe(
      connect(),
      `subscription Watch($id: ID) { changed: stockChanged(productId: $id) { ...P } }
       fragment P on Product { id title: name }`,
      { id: "p2" },
    );
    await events.produce("inventory.stock.changed", stockEvent("p2"));
    expect((await sub.next()).data).toEqual({ changed: { id: "p2", title: "Teapot" } });
  });

  it("filter by argument: only the product asked for arrives", async () => {
    const sub = await subscribe(connect(), `subscription { stockChanged(productId: "p2") { id } }`);
    await events.produce("inventory.stock.changed", stockEvent("p1"));
    await events.produce("inventory.stock.changed", stockEvent("p2"));
    expect((await sub.next()).data).toEqual({ stockChanged: { id: "p2" } });
  });

  it("skip events whose entity no longer exists", async () => {
    const sub = await subscribe(connect(), `subscription { stockChanged { id } }`);
    await events.produce("inventory.stock.changed", stockEvent("deleted"));
    await events.produce("inventory.stock.changed", stockEvent("p1"));
    expect((await sub.next()).data).toEqual({ stockChanged: { id: "p1" } });
  });

  it("keep Kafka's order for each subscriber", async () => {
    const sub = await subscribe(connect(), `subscription { stockChanged { id } }`);
    const ids = ["p1", "p2", "p1", "p2", "p1"];
    for (const id of ids) await events.produce("inventory.stock.changed", stockEvent(id));
    const received = [];
    for (const _ of ids) received.push((await sub.next()).data?.stockChanged);
    expect(received).toEqual(ids.map((id) => ({ id })));
  });
});

describe("owner-bound subscriptions", () => {
  const notifications = `subscription { notificationReceived { id message } }`;
  const orders = `subscription { orderStatusChanged { id status } }`;
  const notification = (id: string, userId: string) => ({
    entity: { typename: "Notification", id },
    notificationId: id,
    userId,
  });
  const order = (id: string, customerId: string) => ({
    entity: { typename: "Order", id },
    orderId: id,
    customerId,
  });

  it("refuse an anonymous subscriber with UNAUTHENTICATED", async () => {
    const results = connect().iterate<Payload>({ query: notifications });
    await expect(results.next()).rejects.toMatchObject([{ extensions: { code: "UNAUTHENTICATED" } }]);
  });

  it("refuse a connection whose token is invalid with UNAUTHENTICATED", async () => {
    const results = connect("Bearer forged").iterate<Payload>({
      query: `subscription { stockChanged { id } }`,
    });
    await expect(results.next()).rejects.toMatchObject([{ extensions: { code: "UNAUTHENTICATED" } }]);
  });

  it("never deliver another user's events", async () => {
    const sub = await subscribe(connect(alice()), notifications);
    await events.produce("feed.notification.created", notification("n2", "u2"));
    await events.produce("feed.notification.created", notification("n1", "u1"));
    expect((await sub.next()).data).toEqual({ notificationReceived: { id: "n1", message: "for alice" } });
  });

  it("let admins see every owner's events where the field says adminSeesAll, and only there", async () => {
    const adminOrders = await subscribe(connect(admin()), orders);
    const aliceOrders = await subscribe(connect(alice()), orders);
    const adminNotes = await subscribe(connect(admin()), notifications);
    await events.produce("orders.order.status-changed", order("o2", "u2"));
    await events.produce("orders.order.status-changed", order("o1", "u1"));
    await events.produce("feed.notification.created", notification("n2", "u2"));
    await events.produce("feed.notification.created", notification("n1", "a1"));
    expect((await adminOrders.next()).data).toEqual({ orderStatusChanged: { id: "o2", status: "SHIPPED" } });
    expect((await adminOrders.next()).data).toEqual({ orderStatusChanged: { id: "o1", status: "PAID" } });
    expect((await aliceOrders.next()).data).toEqual({ orderStatusChanged: { id: "o1", status: "PAID" } });
    expect((await adminNotes.next()).data).toEqual({
      notificationReceived: { id: "n1", message: "for alice" },
    });
  });

  it("forward the subscriber's token to the subgraphs when resolving", async () => {
    const token = alice();
    const sub = await subscribe(connect(token), notifications);
    await events.produce("feed.notification.created", notification("n1", "u1"));
    await sub.next();
    expect(inventory.requests.at(-1)?.authorization).toBe(token);
  });
});

describe("resolution per event", () => {
  const query = `subscription ($id: ID) { stockChanged(productId: $id) { id name stock } }`;

  it("happens once per group of identical subscriptions, shared by all of them", async () => {
    const subs = [];
    for (let i = 0; i < 3; i++) subs.push(await subscribe(connect(), query, { id: "p1" }));
    const [catalogBefore, inventoryBefore] = [catalog.requests.length, inventory.requests.length];
    await events.produce("inventory.stock.changed", stockEvent("p1"));
    for (const sub of subs)
      expect((await sub.next()).data).toEqual({ stockChanged: { id: "p1", name: "Kettle", stock: 5 } });
    expect(catalog.requests.length - catalogBefore).toBe(1);
    expect(inventory.requests.length - inventoryBefore).toBe(1);
  });

  it("happens separately for subscriptions that differ in variables or viewer", async () => {
    const anonymous = await subscribe(connect(), query, { id: "p1" });
    const everyProduct = await subscribe(connect(), query, {});
    const signedIn = await subscribe(connect(alice()), query, { id: "p1" });
    const catalogBefore = catalog.requests.length;
    await events.produce("inventory.stock.changed", stockEvent("p1"));
    for (const sub of [anonymous, everyProduct, signedIn]) await sub.next();
    expect(catalog.requests.length - catalogBefore).toBe(3);
  });
});

describe("other operations over graphql-ws", () => {
  it("answer queries through the federated plan", async () => {
    const token = alice();
    const query = `{ product(id: "p1") { name stock } seenAuthorization }`;
    const result = await connect(token).iterate<Payload>({ query }).next();
    expect(result.value).toEqual({
      data: { product: { name: "Kettle", stock: 5 }, seenAuthorization: token },
    });
  });

  it("return validation errors as graphql-ws errors", async () => {
    const results = connect().iterate<Payload>({ query: `subscription { stockChanged { nope } }` });
    await expect(results.next()).rejects.toMatchObject([{ message: expect.stringMatching(/nope/) }]);
  });
});

describe("the gateway with Kafka", () => {
  it("is ready when the subgraphs and Kafka answer", async () => {
    const response = await fetch(`${gw.origin}/ready`);
    expect(await response.json()).toMatchObject({ ready: true, kafka: "up" });
  });

  it("drains within the shutdown budget, closing subscribers' sockets", async () => {
    const client = connect();
    const closed = new Promise<number>((resolve) =>
      client.on("closed", (event) => resolve((event as { code: number }).code)),
    );
    await subscribe(client, `subscription { stockChanged { id } }`);
    const started = Date.now();
    await gw.stop();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await closed).toBe(1001);
  });
});

import { randomUUID } from "node:crypto";
import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { eventually } from "../../events/testing/wait.ts";
import { startTracing, type Tracing } from "../../platform/tracing/index.ts";
import { expectData, graphql } from "../support/graphql.ts";
import { type Stack, startStack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";

const admin = tokenFor(["ADMIN"]);
const PLACE = `mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { id } }`;
const CREATE = `mutation CreateProduct($input: CreateProductInput!) { createProduct(input: $input) { id } }`;
const STOCK = `query Stock($id: ID!) { product(id: $id) { id name stock } }`;
const SET_STOCK = `mutation SetStock($id: ID!, $q: Int!) { setStock(productId: $id, quantity: $q) { id } }`;

/** The sum of a metric's samples whose labels include every given pair; undefined when none exists. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of text.split("\n")) {
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const labelText = match[2] ?? "";
    if (!Object.entries(labels).every(([k, v]) => labelText.includes(`${k}="${v}"`))) continue;
    total = (total ?? 0) + Number(match[3]);
  }
  return total;
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("text/plain");
  return response.text();
}

describe("observability: metrics on every process, one trace from the gateway through Kafka", () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing | null;
  let stack: Stack;
  let gatewayMetrics: string;
  let catalogMetrics: string;

  beforeAll(async () => {
    // One provider for the whole process: gateway and subgraphs run in it, as in the other e2e suites.
    tracing = await startTracing({ serviceName: "tributary-e2e", exporter });
    stack = await startStack({
      subgraphs: ["catalog", "inventory", "orders"],
      env: { CONSUMER_LAG_INTERVAL_MS: "200" },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await tracing?.shutdown();
  });

  const metricsUrl = (graphqlUrl: string) => graphqlUrl.replace(/\/graphql$/, "/metrics");

  /** A new product with `quantity` in stock, once inventory has learnt of it from catalog's event. */
  async function stockedProduct(name: string, priceCents: number, quantity: number): Promise<string> {
    const { createProduct } = await expectData<{ createProduct: { id: string } }>(
      stack.url,
      CREATE,
      { input: { name: `${name} ${randomUUID()}`, category: "tea", priceCents, currency: "EUR" } },
      admin.token,
    );
    const id = createProduct.id;
    await eventually(
      async () => (await graphql(stack.url, SET_STOCK, { id, q: quantity }, admin.token)).data,
    );
    return id;
  }

  it("follows a mutation in one trace: gateway, the subgraph it reaches, the consumer of its event", async () => {
    const requestId = `obs-${randomUUID()}`;
    const response = await fetch(stack.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: admin.authorization,
        "x-request-id": requestId,
      },
      body: JSON.stringify({
        query: CREATE,
        variables: {
          input: { name: `Traced ${requestId}`, category: "tea", priceCents: 900, currency: "EUR" },
        },
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe(requestId);
    const body = (await response.json()) as { data: { createProduct: { id: string } } };
    expect(body.data.createProduct.id).toBeTruthy();

    const attr = (span: ReadableSpan, name: string) => span.attributes[name];
    const gatewaySpan = await eventually(async () =>
      exporter
        .getFinishedSpans()
        .find(
          (s) => attr(s, "tributary.service") === "gateway" && attr(s, "tributary.request_id") === requestId,
        ),
    );
    const traceId = gatewaySpan.spanContext().traceId;
    const inTrace = () => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);

    // inventory consumes catalog.product.created in a span that continues the mutation's trace.
    const consumed = await eventually(async () =>
      inTrace().find(
        (s) =>
          s.kind === SpanKind.CONSUMER &&
          s.name === "process catalog.product.created" &&
          attr(s, "messaging.consumer.group.name") === "tributary.inventory",
      ),
    );
    expect(attr(consumed, "tributary.outcome")).toBe("applied");

    const spans = inTrace();
    const catalogServer = spans.find(
      (s) => s.kind === SpanKind.SERVER && attr(s, "tributary.service") === "catalog",
    );
    expect(catalogServer, "catalog's server span continues the gateway's trace").toBeDefined();
    // The catalog request's parent is the gateway's fetch of the query plan, not a new root.
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (s: ReadableSpan) => byId.get(s.parentSpanContext?.spanId ?? "");
    expect(parentOf(catalogServer!)?.name).toBe("gateway.fetch");
    expect(spans.some((s) => s.name === "gateway.request")).toBe(true);
    expect(gatewaySpan.parentSpanContext, "the gateway's request span is the root").toBeUndefined();
  });

  it("serves /metrics on the gateway and on a subgraph, with counters that moved", async () => {
    const created = await expectData<{ createProduct: { id: string } }>(
      stack.url,
      CREATE,
      { input: { name: `Counted ${randomUUID()}`, category: "tea", priceCents: 500, currency: "EUR" } },
      admin.token,
    );
    await eventually(async () => (await graphql(stack.url, STOCK, { id: created.createProduct.id })).data);
    const invalid = await graphql(stack.url, "query Broken { noSuchField }");
    expect(invalid.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");

    // The lag samplers run every 200 ms here; wait for inventory's group and the gateway's own to show up and
    // drain. The gateway's group is one per instance and follows the supergraph's @event topics.
    const gatewayLag =
      /^tributary_kafka_consumer_lag\{group="tributary-gateway-[^"]+",topic="inventory\.stock\.changed",partition="\d+"\} 0$/m;
    gatewayMetrics = await eventually(async () => {
      const text = await scrape(metricsUrl(stack.url));
      const inventoryDrained =
        sample(text, "tributary_kafka_consumer_lag", { group: "tributary.inventory" }) === 0;
      return inventoryDrained && gatewayLag.test(text) && text;
    });
    const gw = (name: string, labels: Record<string, string>) => sample(gatewayMetrics, name, labels) ?? 0;

    expect(
      gw("tributary_http_requests_total", { service: "gateway", route: "/graphql", status: "200" }),
    ).toBeGreaterThan(0);
    expect(
      gw("tributary_http_request_duration_seconds_count", { service: "gateway", route: "/graphql" }),
    ).toBeGreaterThan(0);
    expect(
      gw("tributary_graphql_operations_total", {
        service: "gateway",
        operation: "CreateProduct",
        type: "mutation",
        outcome: "ok",
      }),
    ).toBeGreaterThan(0);
    expect(
      gw("tributary_graphql_operations_total", {
        service: "gateway",
        operation: "refused",
        outcome: "GRAPHQL_VALIDATION_FAILED",
      }),
    ).toBe(1);
    // A document that failed validation does not name a series: the client chose that name.
    expect(gw("tributary_graphql_operations_total", { service: "gateway", operation: "Broken" })).toBe(0);
    expect(
      gw("tributary_graphql_operation_duration_seconds_count", { service: "gateway", operation: "Stock" }),
    ).toBeGreaterThan(0);
    expect(
      gw("tributary_gateway_subgraph_fetch_duration_seconds_count", { subgraph: "catalog", outcome: "ok" }),
    ).toBeGreaterThan(0);
    expect(
      gw("tributary_gateway_subgraph_fetch_duration_seconds_count", { subgraph: "inventory", outcome: "ok" }),
    ).toBeGreaterThan(0);
    expect(sample(gatewayMetrics, "tributary_gateway_subscriptions_open")).toBe(0);
    expect(sample(gatewayMetrics, "process_cpu_user_seconds_total")).toBeGreaterThan(0);

    // The outbox gauges reuse one measurement for a second (platform/metrics/gauges.ts), and the gateway's
    // scrapes above measure catalog's outbox too (one registry per process here): a row still waiting then
    // may show for up to a second after it was published.
    catalogMetrics = await eventually(async () => {
      const text = await scrape(metricsUrl(stack.subgraphs.get("catalog")!.url));
      return sample(text, "tributary_outbox_pending", { service: "catalog" }) === 0 && text;
    });
    const cat = (name: string, labels: Record<string, string>) => sample(catalogMetrics, name, labels) ?? 0;
    expect(
      cat("tributary_graphql_operations_total", { service: "catalog", type: "mutation", outcome: "ok" }),
    ).toBeGreaterThan(0);
    expect(cat("tributary_http_requests_total", { service: "catalog", route: "/graphql" })).toBeGreaterThan(
      0,
    );
    expect(cat("tributary_kafka_records_produced_total", { service: "catalog" })).toBeGreaterThanOrEqual(2);
    expect(
      cat("tributary_kafka_records_consumed_total", {
        group: "tributary.inventory",
        topic: "catalog.product.created",
        outcome: "applied",
      }),
    ).toBeGreaterThanOrEqual(2);
    expect(sample(catalogMetrics, "tributary_outbox_pending", { service: "catalog" })).toBe(0);
    expect(sample(catalogMetrics, "tributary_outbox_oldest_age_seconds", { service: "catalog" })).toBe(0);
    // Both drivers count queries in flight; only the postgres.js pool has a connection limit to report.
    expect(
      sample(catalogMetrics, "tributary_db_queries_in_flight", { service: "catalog" }),
    ).toBeGreaterThanOrEqual(0);
    const pool = sample(catalogMetrics, "tributary_db_pool_max_connections", { service: "catalog" });
    if (stack.subgraphs.get("catalog")?.database.kind === "postgres") expect(pool).toBeGreaterThanOrEqual(1);
    else expect(pool).toBeUndefined();
    // Every name follows Prometheus conventions: the prefix, and _total on counters.
    for (const match of catalogMetrics.matchAll(/^# TYPE (tributary_\w+) counter$/gm)) {
      expect(match[1]).toMatch(/_total$/);
    }
  });

  it("carries the trace through inventory's event to the subscription delivery at the gateway", async () => {
    const id = await stockedProduct("Watched", 700, 1);

    const received: number[] = [];
    const client = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      client.subscribe(
        { query: `subscription { stockChanged(productId: "${id}") { id stock } }` },
        {
          next: (result) => {
            const data = result.data as { stockChanged?: { stock: number } } | null;
            if (data?.stockChanged) received.push(data.stockChanged.stock);
          },
          error: () => {},
          complete: () => {},
        },
      );
      await eventually(async () => {
        const text = await scrape(metricsUrl(stack.url));
        return sample(text, "tributary_gateway_subscriptions_open") === 1;
      });
      const before =
        sample(await scrape(metricsUrl(stack.url)), "tributary_gateway_subscription_deliveries_total") ?? 0;

      const requestId = `obs-${randomUUID()}`;
      const response = await fetch(stack.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: admin.authorization,
          "x-request-id": requestId,
        },
        body: JSON.stringify({ query: SET_STOCK, variables: { id, q: 42 } }),
      });
      expect(response.status).toBe(200);
      await eventually(async () => received.includes(42));

      const root = exporter
        .getFinishedSpans()
        .find(
          (s) =>
            s.attributes["tributary.request_id"] === requestId &&
            s.attributes["tributary.service"] === "gateway",
        );
      expect(root).toBeDefined();
      const traceId = root?.spanContext().traceId;
      const delivered = await eventually(async () =>
        exporter
          .getFinishedSpans()
          .find((s) => s.spanContext().traceId === traceId && s.name === "deliver inventory.stock.changed"),
      );
      expect(delivered.kind).toBe(SpanKind.CONSUMER);
      const after =
        sample(await scrape(metricsUrl(stack.url)), "tributary_gateway_subscription_deliveries_total") ?? 0;
      expect(after).toBeGreaterThan(before);
    } finally {
      await client.dispose();
    }
  });

  it("keeps one trace through the saga: order placed, stock reserved, order confirmed, delivered", async () => {
    const productId = await stockedProduct("Saga", 400, 5);

    const customer = tokenFor(["CUSTOMER"]);
    const statuses: string[] = [];
    const client = createClient({
      url: stack.wsUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: customer.authorization },
    });
    try {
      client.subscribe<{ orderStatusChanged: { status: string } }>(
        { query: "subscription { orderStatusChanged { id status } }" },
        {
          next: (result) => {
            if (result.data) statuses.push(result.data.orderStatusChanged.status);
          },
          error: () => {},
          complete: () => {},
        },
      );
      await eventually(
        async () => sample(await scrape(metricsUrl(stack.url)), "tributary_gateway_subscriptions_open") === 1,
      );

      // orders learns of the product from catalog's event; until then placeOrder refuses it, so retry.
      const requestId = await eventually(async () => {
        const attempt = `saga-${randomUUID()}`;
        const response = await fetch(stack.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: customer.authorization,
            "x-request-id": attempt,
          },
          body: JSON.stringify({
            query: PLACE,
            variables: { input: { items: [{ productId, quantity: 1 }] } },
          }),
        });
        const body = (await response.json()) as { data?: { placeOrder?: { id: string } } };
        return body.data?.placeOrder ? attempt : undefined;
      });
      await eventually(async () => statuses.includes("CONFIRMED"));

      const root = exporter
        .getFinishedSpans()
        .find(
          (s) =>
            s.attributes["tributary.request_id"] === requestId &&
            s.attributes["tributary.service"] === "gateway",
        );
      const traceId = root?.spanContext().traceId;
      const inTrace = () => exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
      const parentName = (span: ReadableSpan | undefined) =>
        inTrace().find((s) => s.spanContext().spanId === span?.parentSpanContext?.spanId)?.name;
      // The confirmation reaches the subscriber in a delivery span whose parent is orders' consumer of
      // inventory's follow-up event, whose parent in turn is inventory's consumer of the placed order.
      const confirmedDelivery = await eventually(async () =>
        inTrace().find(
          (s) =>
            s.name === "deliver orders.order.status-changed" &&
            parentName(s) === "process inventory.stock.reserved",
        ),
      );
      const ordersConsumer = inTrace().find(
        (s) => s.spanContext().spanId === confirmedDelivery.parentSpanContext?.spanId,
      );
      expect(ordersConsumer?.attributes["messaging.consumer.group.name"]).toBe("tributary.orders");
      expect(parentName(ordersConsumer)).toBe("process orders.order.placed");
    } finally {
      await client.dispose();
    }
  });
});

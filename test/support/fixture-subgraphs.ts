// Two tiny subgraphs sharing Product, the second one binding subscriptions to Kafka topics with @event.
import { type RunningSubgraph, startSubgraph } from "./fixture-server.ts";

export const EVENT_LINK = `
  @link(url: "https://tributary.dev/event/v1.0", import: ["@event"])
  @composeDirective(name: "@event")
directive @event(topic: String!, entityField: String!, filter: [String!], owner: String, adminSeesAll: Boolean) on FIELD_DEFINITION
`;

/** `description` is served but left out of the first supergraph, to test hot reload. */
export function catalogSdl({ withDescription }: { withDescription: boolean }): string {
  return `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
type Product @key(fields: "id") {
  id: ID!
  name: String!
  ${withDescription ? "description: String" : ""}
}
type Query {
  product(id: ID!): Product
  "The Authorization header this subgraph received."
  seenAuthorization: String
}`;
}

export const INVENTORY_SDL = `
extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@composeDirective"])
  ${EVENT_LINK}
type Product @key(fields: "id") {
  id: ID!
  stock: Int!
}
type Order @key(fields: "id") {
  id: ID!
  status: String!
  product: Product!
}
type Notification @key(fields: "id") {
  id: ID!
  message: String!
}
type Query {
  order(id: ID!): Order
  notification(id: ID!): Notification
}
type Subscription {
  stockChanged(productId: ID): Product!
    @event(topic: "inventory.stock.changed", entityField: "product", filter: ["productId=productId"])
  orderStatusChanged(orderId: ID): Order!
    @event(topic: "orders.order.status-changed", entityField: "order", filter: ["orderId=orderId"], owner: "customerId", adminSeesAll: true)
  notificationReceived: Notification!
    @event(topic: "feed.notification.created", entityField: "notification", owner: "userId")
}`;

export const products: Record<string, { name: string; description: string }> = {
  p1: { name: "Kettle", description: "Boils water" },
  p2: { name: "Teapot", description: "Steeps tea" },
};
export const stock: Record<string, number> = { p1: 5, p2: 0 };
export const orders: Record<string, { status: string; productId: string; customerId: string }> = {
  o1: { status: "PAID", productId: "p1", customerId: "u1" },
  o2: { status: "SHIPPED", productId: "p2", customerId: "u2" },
};
export const notifications: Record<string, { message: string; userId: string }> = {
  n1: { message: "for alice", userId: "u1" },
  n2: { message: "for bob", userId: "u2" },
};

export function startCatalog(): Promise<RunningSubgraph> {
  const product = (id: string) => (products[id] ? { id, ...products[id] } : null);
  return startSubgraph("catalog", catalogSdl({ withDescription: true }), {
    Query: {
      product: (_: unknown, { id }: { id: string }) => product(id),
      seenAuthorization: (_: unknown, __: unknown, context: unknown) =>
        (context as { authorization?: string }).authorization ?? null,
    },
    Product: { __resolveReference: ({ id }: { id: string }) => product(id) },
  });
}

export function startInventory(): Promise<RunningSubgraph> {
  return startSubgraph("inventory", INVENTORY_SDL, {
    Query: {
      order: (_: unknown, { id }: { id: string }) => (orders[id] ? { id, ...orders[id] } : null),
      notification: (_: unknown, { id }: { id: string }) =>
        notifications[id] ? { id, ...notifications[id] } : null,
    },
    Product: { stock: ({ id }: { id: string }) => stock[id] ?? 0 },
    Order: { product: ({ productId }: { productId: string }) => ({ id: productId }) },
  });
}

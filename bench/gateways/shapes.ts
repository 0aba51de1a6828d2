// The query shapes of issue 8, filled with real seeded ids and a real token.
import type { SubgraphName } from "../../platform/topology.ts";

export interface Fixture {
  /** "Bearer ..." of a seeded customer who has at least 50 orders. */
  authorization: string;
  orderId: string;
  /** Every seeded customer with their orders: what `--vary-inputs` rotates through. */
  customers: { authorization: string; orderIds: string[] }[];
  /** "Bearer ..." of the admin, who may set stock (the mixed run's writer). */
  adminAuthorization: string;
  /** Every seeded product. */
  productIds: string[];
}

/** One request's inputs: its variables and, for an authenticated shape, whose token it carries. */
export interface ShapeInput {
  variables: Record<string, unknown>;
  authorization?: string;
}

/** What autocannon sends: one request, or (`--vary-inputs`) a rotation of them. */
export interface RequestInput {
  headers: Record<string, string>;
  body: string;
}

export type ShapeName = "products" | "join" | "wide" | "deep" | "mutation";

export interface Shape {
  name: ShapeName;
  label: string;
  query: string;
  variables(fixture: Fixture): Record<string, unknown>;
  authenticated: boolean;
  /** The one subgraph that can answer this shape alone, measured directly as the ceiling. */
  soleSubgraph?: SubgraphName;
  /**
   * The distinct inputs `--vary-inputs` rotates through, so concurrent requests mostly differ and sharing
   * identical in-flight fetches meets the variety of real traffic. Without it every request is the same,
   * as in the public benchmark. Shapes without variants (the public products page, the mutation, which is
   * never shared) send the same request either way.
   */
  variants?(fixture: Fixture): ShapeInput[];
}

/** Each customer's own token: `myOrders` answers for whoever asks. */
const eachCustomer = (f: Fixture): ShapeInput[] =>
  f.customers.map(({ authorization }) => ({ variables: {}, authorization }));

const ORDER_LINES = "items { quantity product { name stock } }";

export const SHAPES: Shape[] = [
  {
    name: "products",
    label: "one subgraph: products page",
    query:
      "query Products { products(perPage: 20) { items { id name priceCents currency category } pageInfo { totalItems } } }",
    variables: () => ({}),
    authenticated: false,
    soleSubgraph: "catalog",
  },
  {
    name: "join",
    label: "entity join over 3 subgraphs: order",
    query: `query Order($id: ID!) { order(id: $id) { id customer { name } ${ORDER_LINES} } }`,
    variables: (f) => ({ id: f.orderId }),
    authenticated: true,
    // Every seeded order, each asked for by its own customer: as many distinct requests as orders.
    variants: (f) =>
      f.customers.flatMap(({ authorization, orderIds }) =>
        orderIds.map((id) => ({ variables: { id }, authorization })),
      ),
  },
  {
    name: "wide",
    label: "wide list: myOrders(perPage: 50)",
    query: `query MyOrders { myOrders(perPage: 50) { items { id customer { name } ${ORDER_LINES} } } }`,
    variables: () => ({}),
    authenticated: true,
    variants: eachCustomer,
  },
  {
    name: "deep",
    label: "deep nested over 6 subgraphs",
    query: `query Deep { myOrders(perPage: 10) { items { id ${ORDER_LINES} customer { name followerCount followers { name articles { title author { name posts(first: 3) { nodes { message } } } } } } } } }`,
    variables: () => ({}),
    authenticated: true,
    variants: eachCustomer,
  },
  {
    name: "mutation",
    label: "mutation: publishPost",
    query: "mutation Publish($m: String!) { publishPost(message: $m) { id message createdAt } }",
    variables: () => ({ m: "Benchmarking the gateway, one post at a time." }),
    authenticated: true,
    soleSubgraph: "feed",
  },
];

export function requestBody(shape: Shape, fixture: Fixture, variables = shape.variables(fixture)): string {
  return JSON.stringify({ query: shape.query, variables });
}

export function requestHeaders(
  shape: Shape,
  fixture: Fixture,
  authorization = fixture.authorization,
): Record<string, string> {
  return { "content-type": "application/json", ...(shape.authenticated ? { authorization } : {}) };
}

/** The shape's variants as ready-to-send requests; empty when the shape has none. */
export function requestVariants(shape: Shape, fixture: Fixture): RequestInput[] {
  return (shape.variants?.(fixture) ?? []).map(({ variables, authorization }) => ({
    headers: requestHeaders(shape, fixture, authorization),
    body: requestBody(shape, fixture, variables),
  }));
}

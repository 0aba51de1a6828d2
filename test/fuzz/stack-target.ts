// The fuzzer's target: a started stack, its API schema as the gateway serves it (the composed
// schemas/supergraph.graphql without federation's machinery), who may call it, and every health endpoint.
import {
  buildClientSchema,
  type GraphQLSchema,
  getIntrospectionQuery,
  type IntrospectionQuery,
} from "graphql";
import type { Stack } from "../support/stack.ts";
import { tokenFor } from "../support/tokens.ts";
import type { Target } from "./send.ts";

export async function apiSchema(url: string): Promise<GraphQLSchema> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: getIntrospectionQuery() }),
  });
  const { data } = (await response.json()) as { data: IntrospectionQuery };
  return buildClientSchema(data);
}

export function stackTarget(stack: Stack): { target: Target; healthUrls: string[] } {
  return {
    target: {
      url: stack.url,
      wsUrl: stack.wsUrl,
      authorization: {
        anonymous: undefined,
        customer: tokenFor(["CUSTOMER"]).authorization,
        admin: tokenFor(["ADMIN"]).authorization,
        garbage: "Bearer a.b.c",
      },
    },
    healthUrls: [
      new URL("/health", stack.url).href,
      new URL("/ready", stack.url).href,
      ...[...stack.subgraphs.values()].map((s) => new URL("/health", s.url).href),
    ],
  };
}

// Points clients that POST a subscription to the WebSocket endpoint, instead of Apollo Gateway's bare refusal.
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";

export function useSubscriptionsOverWebSocket(options: { path?: string } = {}): ApolloServerPlugin {
  const path = options.path ?? "/graphql";
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== "subscription") return;
          throw new GraphQLError(
            `Subscriptions are served over WebSocket (graphql-ws, protocol graphql-transport-ws) at ${path}, not over HTTP.`,
            { extensions: { code: "BAD_REQUEST", http: { status: 400 } } },
          );
        },
      };
    },
  };
}

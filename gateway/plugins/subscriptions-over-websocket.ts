// A subscription POSTed as a plain query is answered with every transport that serves it, instead of Apollo
// Gateway's bare refusal.
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";
import { MULTIPART_CONTENT_TYPE } from "../subscriptions/transports/multipart-protocol.ts";

export interface SubscriptionTransportsOptions {
  path?: string;
  ssePath?: string;
}

/** The message names the WebSocket URL on the host the client used. */
export function subscriptionTransports(
  host: string | undefined,
  options: SubscriptionTransportsOptions = {},
) {
  const path = options.path ?? "/graphql";
  const ssePath = options.ssePath ?? `${path}/stream`;
  const ws = host ? `ws://${host}${path}` : path;
  return (
    `Subscriptions are served over graphql-ws (WebSocket, protocol graphql-transport-ws) at ${ws}, ` +
    `over graphql-sse (accept: text/event-stream) at ${ssePath}, and over multipart HTTP on POST ${path} ` +
    `with accept: ${MULTIPART_CONTENT_TYPE.replace(/;boundary="graphql"/, "")}.`
  );
}

export function useSubscriptionsOverWebSocket(
  options: SubscriptionTransportsOptions = {},
): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (operation?.operation !== "subscription") return;
          throw new GraphQLError(subscriptionTransports(request.http?.headers.get("host"), options), {
            extensions: { code: "BAD_REQUEST", http: { status: 400 } },
          });
        },
      };
    },
  };
}

// Hive Gateway's configuration for the bench: only what every gateway here does, forwarding the caller's token.
// Typed locally: importing @graphql-hive/gateway's types would pull graphql-yoga's augmentation of
// GraphQLErrorExtensions into the whole project's type check.
export const gatewayConfig = {
  propagateHeaders: {
    fromClientToSubgraphs: ({ request }: { request: Request }) => ({
      authorization: request.headers.get("authorization"),
      // The subgraphs run in production, where they answer only callers holding GATEWAY_SECRET.
      "x-gateway-secret": process.env.GATEWAY_SECRET ?? null,
    }),
  },
};

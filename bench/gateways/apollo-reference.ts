// The reference every ratio is against: @apollo/gateway + @apollo/server as their docs start them, nothing tuned.
// The one addition is forwarding the caller's Authorization header, without which no authenticated query works.
// Usage: node --import tsx bench/gateways/apollo-reference.ts <supergraph file> <port>
import { readFileSync } from "node:fs";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

interface CallerContext {
  authorization?: string;
}

const [supergraphPath, port] = process.argv.slice(2);
if (!supergraphPath || !port) throw new Error("usage: apollo-reference.ts <supergraph file> <port>");

const server = new ApolloServer<CallerContext>({
  gateway: new ApolloGateway({
    supergraphSdl: readFileSync(supergraphPath, "utf8"),
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<CallerContext>({
        url,
        willSendRequest({ request, context }) {
          if (context.authorization) request.http?.headers.set("authorization", context.authorization);
          // The subgraphs run in production, where they answer only callers holding GATEWAY_SECRET.
          if (process.env.GATEWAY_SECRET)
            request.http?.headers.set("x-gateway-secret", process.env.GATEWAY_SECRET);
        },
      }),
  }),
});
await startStandaloneServer(server, {
  listen: { port: Number(port), host: "127.0.0.1" },
  context: async ({ req }) => ({ authorization: req.headers.authorization }),
});
process.once("SIGTERM", () => void server.stop().then(() => process.exit(0)));

// Serves a test subgraph over node:http with /health, and counts the requests it receives.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { type DocumentNode, parse } from "graphql";
import { graphqlHandler } from "../../platform/http/graphql.ts";

export interface SeenRequest {
  authorization?: string;
  requestId?: string;
}

type SchemaModule = Extract<Parameters<typeof buildSubgraphSchema>[0], { resolvers?: unknown }>;
export type Resolvers = NonNullable<SchemaModule["resolvers"]>;

export interface RunningSubgraph {
  name: string;
  url: string;
  /** The SDL the subgraph serves (compose a supergraph from it, or from a variant). */
  typeDefs: DocumentNode;
  requests: SeenRequest[];
  stop(): Promise<void>;
}

export interface SubgraphContext {
  authorization?: string;
}

export async function startSubgraph(
  name: string,
  sdl: string,
  resolvers: Resolvers,
): Promise<RunningSubgraph> {
  const typeDefs = parse(sdl);
  const apollo = new ApolloServer<SubgraphContext>({
    schema: buildSubgraphSchema({ typeDefs, resolvers }),
    plugins: [ApolloServerPluginInlineTraceDisabled()],
  });
  await apollo.start();
  const requests: SeenRequest[] = [];
  const handle = graphqlHandler(apollo, {
    maxBodyBytes: 1024 * 1024,
    context: async (headers) => ({ authorization: headers.get("authorization") }),
  });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://subgraph");
    if (url.pathname === "/health") return void res.writeHead(200).end("ok");
    const seen: SeenRequest = {
      authorization: req.headers.authorization,
      requestId: req.headers["x-request-id"] as string | undefined,
    };
    requests.push(seen);
    void handle(req, res, url);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name,
    url: `http://127.0.0.1:${port}/graphql`,
    typeDefs,
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await apollo.stop();
    },
  };
}

// Builds a subgraph's HTTP server (GraphQL at /graphql, /health) without listening, so tests use port 0.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type HeaderMap } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import type { DocumentNode } from "graphql";
import { gatewayOnly } from "../../platform/auth/gateway-secret.ts";
import { withoutSuggestions } from "../../platform/errors.ts";
import { graphqlHandler } from "../../platform/http/graphql.ts";
import { sendJson } from "../../platform/http/respond.ts";
import type { Logger } from "../../platform/logger.ts";
import { enforceAuthorization } from "./authorization/enforce.ts";
import type { SubgraphContext } from "./context.ts";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "./database-unavailable.ts";
import type { ResolverMap } from "./module.ts";
import { METRICS_PATH, serveMetrics, subgraphObservability } from "./observability/index.ts";
import { sideEffectAnswers } from "./side-effects.ts";
import { uncacheableAnswers } from "./uncacheable.ts";
import { refuseNulBytes } from "./validation.ts";

const MAX_BODY_BYTES = 1024 * 1024;

export interface SubgraphServerOptions<Loaders> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: ResolverMap;
  context: (headers: HeaderMap) => Promise<SubgraphContext<Loaders>>;
  /** Resolves when the subgraph can serve (e.g. its database answers); rejects with the reason otherwise. */
  healthCheck: () => Promise<void>;
  logger: Logger;
  production: boolean;
  /** Distinct operation names /metrics labels (METRICS_MAX_OPERATION_NAMES). */
  maxOperationNames?: number;
  /** Set: /graphql answers only requests carrying it (the gateway's); /health and /metrics stay open. */
  gatewaySecret?: string;
}

export interface SubgraphServer {
  httpServer: Server;
  listen(port: number, host: string): Promise<{ port: number; url: string }>;
  stop(): Promise<void>;
}

export async function buildSubgraphServer<Loaders>(
  options: SubgraphServerOptions<Loaders>,
): Promise<SubgraphServer> {
  const httpServer = createServer();
  const observability = subgraphObservability<SubgraphContext<Loaders>>(
    options.name,
    options.logger,
    options.maxOperationNames,
  );
  const schema = buildSubgraphSchema({
    typeDefs: options.typeDefs,
    resolvers: options.resolvers as GraphQLResolverMap<unknown>,
  });
  // The gateway does not enforce @authenticated / @requiresScopes; every subgraph does, before any resolver.
  // That wrapper goes on last so it runs first: a stranger learns nothing from input checks.
  refuseNulBytes(schema);
  enforceAuthorization(schema);
  const apollo = new ApolloServer<SubgraphContext<Loaders>>({
    schema,
    // Clients reach subgraphs through the gateway; the subgraph's own landing page would only confuse.
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      observability.plugin,
      ...uncacheableAnswers<SubgraphContext<Loaders>>(),
      sideEffectAnswers<SubgraphContext<Loaders>>(),
    ],
    includeStacktraceInErrorResponses: !options.production,
    // No "Did you mean …?" in validation errors: the schema is not the business of whoever reaches the port.
    hideSchemaDetailsFromClientErrors: options.production,
    // The process owner (subgraphs/kit/process.ts, or a test) stops the server; Apollo's own SIGINT/SIGTERM
    // handler raced that shutdown, and every Ctrl-C waited for the 4 s deadline to kill the subgraph.
    stopOnTerminationSignals: false,
    logger: options.logger,
    formatError: (formatted, error) => {
      if (formatted.extensions?.code === "INTERNAL_SERVER_ERROR") {
        if (isDatabaseUnavailable(error)) {
          options.logger.warn({ err: error }, "database unavailable");
          return {
            message: DATABASE_UNAVAILABLE_MESSAGE,
            path: formatted.path,
            extensions: { code: "SERVICE_UNAVAILABLE" },
          };
        }
        options.logger.error({ err: error }, "resolver failed");
        if (options.production)
          return { message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } };
      }
      // Variable coercion suggests enum values and input fields too, which the validation plugin never sees.
      if (options.production) return { ...formatted, message: withoutSuggestions(formatted.message) };
      return formatted;
    },
  });
  await apollo.start();
  // A gateway fetch of hundreds of entity references stays far below this.
  const graphql = graphqlHandler(apollo, { maxBodyBytes: MAX_BODY_BYTES, context: options.context });
  const refusedStranger = gatewayOnly(options.gatewaySecret);

  const handle = observability.observe((req, res) => {
    const url = new URL(req.url ?? "/", "http://subgraph");
    if (url.pathname === "/graphql") {
      if (refusedStranger(req, res)) return;
      graphql(req, res, url).catch((error: unknown) => {
        options.logger.error({ err: error }, "request failed");
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: "Internal server error" }] });
      });
      return;
    }
    if (url.pathname === "/health") {
      options.healthCheck().then(
        () => sendJson(res, 200, { status: "ok", subgraph: options.name }),
        (error: Error) =>
          sendJson(res, 503, { status: "unavailable", subgraph: options.name, reason: error.message }),
      );
      return;
    }
    if (url.pathname === METRICS_PATH) {
      serveMetrics(res).catch((error: unknown) => {
        options.logger.error({ err: error }, "metrics scrape failed");
        if (!res.headersSent) sendJson(res, 500, { error: "metrics unavailable" });
      });
      return;
    }
    sendJson(res, 404, { error: "Not found: GraphQL is served at /graphql" });
  });
  httpServer.on("request", handle);

  return {
    httpServer,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          const { port: bound } = httpServer.address() as AddressInfo;
          resolve({ port: bound, url: `http://${host}:${bound}/graphql` });
        });
      }),
    stop: () => apollo.stop(),
  };
}

// Builds the gateway: Apollo Gateway over the watched supergraph, a node:http server, graphql-ws and the Kafka consumer.
// First, before anything loads @apollo/gateway: why in apollo-exports.ts.
import "./apollo-exports.ts";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { CLIENT_IP_HEADER, graphqlHandler } from "../platform/http/graphql.ts";
import { sendJson } from "../platform/http/respond.ts";
import { createLogger, type Logger } from "../platform/logger.ts";
import type { GatewayConfig } from "./config.ts";
import { createGatewayContext, type GatewayContext } from "./context.ts";
import { useCors } from "./http/cors.ts";
import { useOperationLimits } from "./limits/plugin.ts";
import { METRICS_PATH, observedServices, serveMetrics, useObservability } from "./observability/index.ts";
import { persistedDocuments } from "./persisted/documents.ts";
import { useErrorLogging } from "./plugins/error-logging.ts";
import { useLandingPage } from "./plugins/landing-page.ts";
import { useSchemaListener } from "./plugins/schema-listener.ts";
import { useSubscriptionsOverWebSocket } from "./plugins/subscriptions-over-websocket.ts";
import { useRateLimit } from "./rate-limit/plugin.ts";
import { readinessCheck } from "./readiness.ts";
import { SSE_PATH } from "./sse/handler.ts";
import { createSubscriptions } from "./subscriptions/index.ts";
import { fileSupergraph } from "./supergraph/file-source.ts";
import { subgraphEndpoints } from "./supergraph/subgraphs.ts";

export const GRAPHQL_PATH = "/graphql";

export interface GatewayDeps {
  logger?: Logger;
}

export interface Gateway {
  httpServer: Server;
  listen(port?: number, host?: string): Promise<{ url: string; port: number }>;
  /** Drains HTTP and WebSocket clients, leaves the Kafka group, stops watching the supergraph. */
  stop(): Promise<void>;
  /** Re-reads the supergraph file now (the watcher does this on change); false if it was refused. */
  reloadSupergraph(): Promise<boolean>;
  /** Resolves once the Kafka consumer has joined and fetched: events produced after this are delivered. */
  whenConsuming(): Promise<void>;
  stats(): { subscribers: number };
}

export async function buildGateway(config: GatewayConfig, deps: GatewayDeps = {}): Promise<Gateway> {
  const logger =
    deps.logger ?? createLogger({ name: "gateway", level: config.logLevel, pretty: config.logPretty });
  const supergraph = fileSupergraph({
    path: config.supergraphPath,
    logger,
    watch: config.supergraphWatch,
    debounceMs: config.supergraphDebounceMs,
  });
  // Read and checked before anything starts: a bad manifest stops the gateway with the reason.
  const documents = persistedDocuments(config.persistedDocuments);
  const subscriptions = createSubscriptions({
    config: config.subscriptions,
    tokens: config.tokens,
    introspection: config.introspection,
    limits: config.limits,
    logger,
    documents,
  });
  let supergraphSdl = "";
  const observability = await useObservability({
    logger,
    tracingEndpoint: config.tracingEndpoint,
    routes: [GRAPHQL_PATH, "/health", "/ready"],
    subscriberCount: () => subscriptions.hub?.subscriberCount ?? 0,
    consumerGroup: config.subscriptions.enabled
      ? {
          brokers: config.subscriptions.kafkaBrokers,
          clientId: config.subscriptions.kafkaClientId,
          groupId: config.subscriptions.groupId,
          intervalMs: config.consumerLagIntervalMs,
        }
      : undefined,
  });
  const httpServer = createServer();
  const apollo = new ApolloServer<GatewayContext>({
    gateway: new ApolloGateway({
      supergraphSdl: supergraph.hook,
      buildService: observedServices(config.subgraphUrls),
      logger: logger.child({ component: "apollo-gateway" }),
    }),
    logger: logger.child({ component: "apollo" }),
    introspection: config.introspection,
    includeStacktraceInErrorResponses: config.nodeEnv === "development",
    // Bounds parsing work itself; the limits plugin then measures what was parsed.
    parseOptions: { maxTokens: config.limits.maxTokens },
    // Trusted documents through Apollo's own APQ handling (hash lookup, hash-matches-query check).
    ...(documents ? { persistedQueries: documents.apolloPersistedQueries() } : {}),
    // Apollo's default pretty-prints every response (2-space indent): more bytes and CPU for no reader.
    stringifyResult: (result) => JSON.stringify(result),
    plugins: [
      useLandingPage({ enabled: config.sandbox }),
      useErrorLogging({ logger }),
      ...observability.plugins,
      useRateLimit(config.rateLimit),
      useOperationLimits(config.limits),
      useSubscriptionsOverWebSocket({ path: GRAPHQL_PATH }),
      useSchemaListener((apiSchema, sdl) => {
        supergraphSdl = sdl;
        subscriptions.schemaLoaded(apiSchema, sdl);
      }),
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownTimeoutMs }),
    ],
  });
  await apollo.start();
  subscriptions.start(httpServer, apollo, GRAPHQL_PATH);

  const { subscriptions: events } = config;
  const ready = readinessCheck({
    subgraphs: () => subgraphEndpoints(supergraphSdl, config.subgraphUrls),
    kafka: events.enabled ? { brokers: events.kafkaBrokers, clientId: events.kafkaClientId } : undefined,
    cacheMs: config.readyCacheMs,
    timeoutMs: config.readyTimeoutMs,
  });
  const cors = useCors({ origins: config.corsOrigins });
  const graphql = graphqlHandler(apollo, {
    maxBodyBytes: config.maxBodyBytes,
    admit: documents ? (request) => documents.admitHttp(request) : undefined,
    context: async (headers) => ({
      ...createGatewayContext(config.tokens, {
        authorization: headers.get("authorization"),
        requestId: headers.get("x-request-id"),
      }),
      shareSubgraphFetches: config.shareSubgraphFetches,
      // Set by the HTTP layer from the socket; a client-sent value never gets this far.
      clientIp: headers.get(CLIENT_IP_HEADER) ?? undefined,
    }),
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://gateway");
    if (cors(req, res)) return;
    switch (url.pathname) {
      case GRAPHQL_PATH:
        return graphql(req, res, url);
      case SSE_PATH:
        // graphql-sse: subscriptions (and operations) as server-sent events, same engine as graphql-ws.
        if (subscriptions.sse) return subscriptions.sse(req, res);
        return sendJson(res, 404, { error: "Subscriptions are disabled." });
      case "/health":
        return sendJson(res, 200, { status: "ok" });
      case METRICS_PATH:
        return serveMetrics(res);
      case "/ready": {
        const report = await ready();
        return sendJson(res, report.ready ? 200 : 503, {
          status: report.ready ? "ready" : "unavailable",
          ...report,
        });
      }
      default:
        return sendJson(res, 404, { error: `Nothing at ${url.pathname}; GraphQL is at ${GRAPHQL_PATH}.` });
    }
  }

  httpServer.on(
    "request",
    observability.observe((req, res) => {
      route(req, res).catch((error: unknown) => {
        logger.error({ err: error, url: req.url }, "request failed");
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: "Internal server error" }] });
        else res.destroy();
      });
    }),
  );

  let stopping: Promise<void> | undefined;
  return {
    httpServer,
    listen(port = config.port, host = config.host) {
      return new Promise((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          httpServer.off("error", reject);
          const address = httpServer.address() as AddressInfo;
          const shown = address.family === "IPv6" ? `[${address.address}]` : address.address;
          const hostname = shown === "0.0.0.0" || shown === "[::]" ? "localhost" : shown;
          resolve({ url: `http://${hostname}:${address.port}${GRAPHQL_PATH}`, port: address.port });
        });
      });
    },
    stop() {
      // WebSockets first (they are not HTTP requests the drain would wait for), then HTTP, then Kafka.
      observability.stop();
      stopping ??= subscriptions
        .stop()
        .then(() => apollo.stop())
        .then(() => observability.close());
      return stopping;
    },
    reloadSupergraph: () => supergraph.reload(),
    whenConsuming: () => subscriptions.whenConsuming(),
    stats: () => ({ subscribers: subscriptions.hub?.subscriberCount ?? 0 }),
  };
}

// Builds the gateway: Apollo Gateway over the watched supergraph, a node:http server, graphql-ws and the Kafka consumer.
// First, before anything loads @apollo/gateway: why in apollo-exports.ts.
import "./apollo-exports.ts";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloGateway } from "@apollo/gateway";
import { ApolloServer, type HeaderMap } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import type { GraphQLSchema } from "graphql";
import { withoutSuggestions } from "../platform/errors.ts";
import { CLIENT_IP_HEADER, graphqlHandler, JSON_GET_HEADER } from "../platform/http/graphql.ts";
import { sendJson } from "../platform/http/respond.ts";
import { createLogger, type Logger } from "../platform/logger.ts";
import { SUBGRAPH_NAMES } from "../platform/topology.ts";
import type { GatewayConfig } from "./config.ts";
import { createGatewayContext, type GatewayContext } from "./context.ts";
import { createEntityCache, type EntityCache } from "./entity-cache/index.ts";
import { explorerRoutes } from "./explorer/routes.ts";
import { useCors } from "./http/cors.ts";
import { useOperationLimits } from "./limits/plugin.ts";
import { requestOf, screenRequest } from "./limits/screen.ts";
import { METRICS_PATH, observedServices, serveMetrics, useObservability } from "./observability/index.ts";
import { persistedDocuments } from "./persisted/documents.ts";
import { useCompleteAnswers } from "./plugins/complete-answers.ts";
import { useErrorLogging } from "./plugins/error-logging.ts";
import { useLandingPage } from "./plugins/landing-page.ts";
import { useOperationResolution } from "./plugins/operation-resolution.ts";
import { useSchemaListener } from "./plugins/schema-listener.ts";
import { useSubscriptionsOverWebSocket } from "./plugins/subscriptions-over-websocket.ts";
import { createLimiters } from "./rate-limit/limiters.ts";
import { useRateLimit } from "./rate-limit/plugin.ts";
import { replayBudget } from "./rate-limit/replay-budget.ts";
import { readinessCheck } from "./readiness.ts";
import { restFacade } from "./rest/index.ts";
import { seedSignal } from "./seed-signal.ts";
import { createSubscriptions } from "./subscriptions/index.ts";
import { prefersEventStream, SSE_PATH } from "./subscriptions/transports/sse.ts";
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
  /** The entity cache, when it is on (gateway/entity-cache). */
  entityCache: EntityCache | undefined;
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
  // One set of budgets for requests and for subscription replays (gateway/rate-limit/replay-budget.ts).
  const limiters = config.rateLimit.enabled ? createLimiters(config.rateLimit) : undefined;
  // Read and checked before anything starts: a bad manifest stops the gateway with the reason.
  const documents = persistedDocuments(config.persistedDocuments);
  const entityCache = await createEntityCache(
    {
      ...config.entityCache,
      supergraphPath: config.supergraphPath,
      subgraphs: SUBGRAPH_NAMES,
      kafkaBrokers: config.subscriptions.kafkaBrokers,
      kafkaClientId: config.subscriptions.kafkaClientId,
      groupId: config.subscriptions.groupId,
    },
    logger.child({ component: "entity-cache" }),
  );
  const gateway = new ApolloGateway({
    supergraphSdl: supergraph.hook,
    buildService: observedServices(config.subgraphUrls, { secret: config.gatewaySecret, cache: entityCache }),
    logger: logger.child({ component: "apollo-gateway" }),
  });
  const includeStacktraceInErrorResponses = config.nodeEnv === "development";
  const subscriptions = createSubscriptions({
    config: config.subscriptions,
    // Events are resolved by the gateway's executor itself: they are not client requests.
    executor: gateway.executor,
    stacktraces: includeStacktraceInErrorResponses,
    tokens: config.tokens,
    introspection: config.introspection,
    limits: config.limits,
    logger,
    replayBudget: replayBudget(limiters),
    documents,
  });
  let supergraphSdl = "";
  let apiSchema: GraphQLSchema | undefined;
  // What POST /graphql and the REST routes run operations with: the same caller from the same headers.
  const httpContext = async (headers: HeaderMap): Promise<GatewayContext> => ({
    ...createGatewayContext(config.tokens, {
      authorization: headers.get("authorization"),
      requestId: headers.get("x-request-id"),
    }),
    shareSubgraphFetches: config.shareSubgraphFetches,
    // Set by the HTTP layer from the socket; a client-sent value never gets this far.
    clientIp: headers.get(CLIENT_IP_HEADER) ?? undefined,
  });
  const rest = restFacade({
    apollo: () => apollo,
    context: httpContext,
    maxBodyBytes: config.maxBodyBytes,
    openSubscription: config.subscriptions.enabled ? (...args) => subscriptions.open(...args) : undefined,
    logger,
  });
  const observability = await useObservability({
    logger,
    tracingEndpoint: config.tracingEndpoint,
    maxOperationNames: config.metricsMaxOperationNames,
    routes: [GRAPHQL_PATH, "/health", "/ready", ...rest.paths],
    subscriberCount: () => subscriptions.hub.subscriberCount ?? 0,
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
    gateway,
    logger: logger.child({ component: "apollo" }),
    introspection: config.introspection,
    // Apollo's two preflight headers, plus JSON GETs (urql's default for queries): why in platform/http/graphql.ts.
    csrfPrevention: {
      requestHeaders: ["x-apollo-operation-name", "apollo-require-preflight", JSON_GET_HEADER],
    },
    includeStacktraceInErrorResponses,
    // With introspection off, "Did you mean …?" would spell the schema out to whoever guesses near it.
    hideSchemaDetailsFromClientErrors: !config.introspection,
    formatError: config.introspection ? undefined : (e) => ({ ...e, message: withoutSuggestions(e.message) }),
    // Bounds parsing work itself; the limits plugin then measures what was parsed.
    parseOptions: { maxTokens: config.limits.maxTokens },
    // Trusted documents through Apollo's own APQ handling (hash lookup, hash-matches-query check).
    ...(documents ? { persistedQueries: documents.apolloPersistedQueries() } : {}),
    // Apollo's default pretty-prints every response (2-space indent): more bytes and CPU for no reader.
    stringifyResult: (result) => JSON.stringify(result),
    plugins: [
      useLandingPage({ enabled: config.sandbox }),
      useErrorLogging({ logger }),
      useOperationResolution(),
      useCompleteAnswers({ logger }),
      ...observability.plugins,
      useRateLimit(config.rateLimit, limiters),
      useOperationLimits(config.limits),
      useSubscriptionsOverWebSocket({ path: GRAPHQL_PATH, ssePath: SSE_PATH }),
      useSchemaListener((schema, sdl) => {
        supergraphSdl = sdl;
        apiSchema = schema;
        subscriptions.schemaLoaded(schema, sdl);
      }),
      rest.plugin,
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.shutdownTimeoutMs }),
    ],
  });
  await apollo.start();
  const transports = subscriptions.attach(httpServer, apollo, GRAPHQL_PATH);

  const { subscriptions: events } = config;
  const ready = readinessCheck({
    subgraphs: () => subgraphEndpoints(supergraphSdl, config.subgraphUrls),
    kafka: events.enabled ? { brokers: events.kafkaBrokers, clientId: events.kafkaClientId } : undefined,
    events: events.enabled ? () => subscriptions.isConsuming() : undefined,
    cacheMs: config.readyCacheMs,
    timeoutMs: config.readyTimeoutMs,
    seeded: config.readyAfterSeed ? seedSignal() : undefined,
  });
  const cors = useCors({ origins: config.corsOrigins });
  // The local explorer and /sandbox go with Sandbox itself: developer tools, off in production.
  const explorer = config.sandbox ? explorerRoutes({ graphqlPath: GRAPHQL_PATH }) : undefined;
  const graphql = graphqlHandler(apollo, {
    maxBodyBytes: config.maxBodyBytes,
    // The operation limits before Apollo parses and validates; its plugin measures again after.
    screen: (body, url) => screenRequest(requestOf(body, url.searchParams), apiSchema, config.limits),
    admit: documents ? (request) => documents.admitHttp(request) : undefined,
    takeOver: (req, res, body) => transports.multipart(req, res, body),
    context: httpContext,
  });

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://gateway");
    if (cors(req, res)) return;
    switch (url.pathname) {
      case GRAPHQL_PATH:
        if (prefersEventStream(req.headers.accept)) {
          // The client asked for an event stream first (urql's fetch subscriptions also list multipart/mixed);
          // graphql-sse runs a request as a stream of its own only when text/event-stream is all it accepts.
          req.headers.accept = "text/event-stream";
          return transports.sse(req, res);
        }
        return graphql(req, res, url);
      case SSE_PATH:
        // graphql-sse: subscriptions (and operations) as server-sent events, same engine as graphql-ws.
        return transports.sse(req, res);
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
        // The REST routes of the seed designs, /openapi.json and /docs (gateway/rest).
        if (await rest.handle(req, res, url)) return;
        if (await explorer?.(req, res, url)) return;
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
      stopping ??= transports
        .stop()
        .then(() => subscriptions.stop())
        .then(() => apollo.stop())
        .then(() => entityCache?.stop())
        .then(() => observability.close());
      return stopping;
    },
    reloadSupergraph: () => supergraph.reload(),
    whenConsuming: async () => {
      await Promise.all([subscriptions.whenConsuming(), entityCache?.whenConsuming()]);
    },
    stats: () => ({ subscribers: subscriptions.hub.subscriberCount ?? 0 }),
    entityCache,
  };
}

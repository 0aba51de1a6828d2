// Subscriptions over Kafka, built in the order an event travels: source (consumer, positions, ids), fan-out
// (hub, resolver), the engine that opens subscriptions live or resumed, and the transports, attached once the
// HTTP server and Apollo (which runs queries and mutations sent over them) exist. See README.md.
import type { Server as HttpServer } from "node:http";
import type { ApolloServer } from "@apollo/server";
import type { GraphQLError, GraphQLSchema } from "graphql";
import type { TokenSettings } from "../../platform/auth/tokens.ts";
import type { Logger } from "../../platform/logger.ts";
import type { SubscriptionConfig } from "../config.ts";
import type { GatewayContext } from "../context.ts";
import { runtimeError } from "../graphql-runtime.ts";
import type { PersistedDocuments } from "../persisted/documents.ts";
import type { ReplayBudget } from "../rate-limit/replay-budget.ts";
import { SUPERGRAPH_CHANGED } from "./close-codes.ts";
import { subscriptionEngine } from "./engine.ts";
import { SubscriptionHub } from "./fan-out/hub.ts";
import { entityResolver, type GatewayExecutor } from "./fan-out/resolver.ts";
import type { SubscriberStream } from "./fan-out/stream.ts";
import { eventBindings } from "./planning/bindings.ts";
import { DEFAULT_STREAMING_LIMITS, type StreamingLimits } from "./planning/limits.ts";
import { type Caller, type Operation, operationPreparer, type Payload } from "./planning/operation.ts";
import { SubscriptionPlanner } from "./planning/planner.ts";
import { EventConsumer } from "./source/consumer.ts";
import { handleRecord } from "./source/handle-record.ts";
import { LiveEventIds } from "./source/live-ids.ts";
import { liveRoute } from "./source/live-route.ts";
import { LivePositions } from "./source/positions.ts";
import { type MultipartHandler, multipartHandler } from "./transports/multipart.ts";
import { type SseHandler, sseHandler } from "./transports/sse.ts";
import { attachWebSocket } from "./transports/ws.ts";

/** Records per partition re-read at start to remember their ids: more than one relay batch re-sent after a crash. */
const LOOK_BEHIND = 1_000;

export interface SubscriptionsOptions {
  config: SubscriptionConfig;
  tokens: TokenSettings;
  introspection: boolean;
  logger: Logger;
  /** The gateway's executor (ApolloGateway#executor): each event's entity query runs through it directly. */
  executor: GatewayExecutor;
  /** Apollo Server's includeStacktraceInErrorResponses, for event resolutions' errors too. */
  stacktraces?: boolean;
  /** The operation limits HTTP enforces; subscriptions are refused over them the same way. */
  limits?: StreamingLimits;
  /** Charges a resume's replay to its caller's rate-limit budget. */
  replayBudget?: ReplayBudget;
  /** Trusted documents: the same manifest lookup HTTP uses. */
  documents?: PersistedDocuments;
}

/** The streaming transports on the HTTP server; `stop` ends every subscription and closes the WebSockets. */
export interface Transports {
  /** graphql-sse on /graphql/stream (and on /graphql for `accept: text/event-stream`). */
  sse: SseHandler;
  /** Apollo's multipart HTTP subscriptions on POST /graphql. */
  multipart: MultipartHandler;
  stop(): Promise<void>;
}

export interface Subscriptions {
  /** Called with every loaded supergraph (Apollo's schemaDidLoadOrUpdate). */
  schemaLoaded(apiSchema: GraphQLSchema, supergraphSdl: string): void;
  /** Serves graphql-ws, graphql-sse and multipart on the HTTP server, and starts consuming Kafka. */
  attach(httpServer: HttpServer, apollo: ApolloServer<GatewayContext>, path: string): Transports;
  whenConsuming(): Promise<void>;
  /** False while the event consumer is not joined and positioned (readiness); true when subscriptions are off. */
  isConsuming(): boolean;
  readonly hub: SubscriptionHub;
  /**
   * One subscription for a transport of its own (the REST facade's event streams), with the same checks as
   * the others; refusals come back as errors. Ends with a last error result where graphql-ws closes.
   */
  open(caller: Caller, payload: Payload): Promise<SubscriberStream | readonly GraphQLError[]>;
  /** Leaves the Kafka group (after the transports stopped). */
  stop(): Promise<void>;
}

export function createSubscriptions(options: SubscriptionsOptions): Subscriptions {
  const { config, tokens, introspection, limits = DEFAULT_STREAMING_LIMITS } = options;
  const log = options.logger.child({ component: "subscriptions" });
  // Replaced with every supergraph loaded: what subscriptions are checked and planned against.
  let planner: SubscriptionPlanner | undefined;
  let loadedSdl: string | undefined;
  let topics: string[] = [];
  let attached = false;

  const positions = new LivePositions();
  const liveIds = new LiveEventIds(config.dedupeWindow);
  const resolve = entityResolver({
    executor: options.executor,
    schema: () => planner?.schema,
    logger: log,
    hideSuggestions: !introspection,
    stacktraces: options.stacktraces ?? false,
  });
  const hub = new SubscriptionHub({
    resolve,
    logger: log,
    maxInFlight: config.maxInFlight,
    maxQueuePerSubscriber: config.maxQueuePerSubscriber,
    clockToleranceMs: tokens.clockToleranceSeconds * 1000,
  });
  const live = liveRoute(positions, liveIds, hub);
  const consumer = config.enabled
    ? new EventConsumer({
        brokers: config.kafkaBrokers,
        clientId: config.kafkaClientId,
        groupId: config.groupId,
        logger: log,
        maxWaitTimeInMs: config.maxWaitTimeInMs,
        sessionTimeoutMs: config.sessionTimeoutMs,
        heartbeatIntervalMs: config.heartbeatIntervalMs,
        topicRefreshMs: config.topicRefreshMs,
        positions,
        lookBehind: Math.min(config.dedupeWindow, LOOK_BEHIND),
        onRecord: (record) => handleRecord(record, live, log),
      })
    : undefined;
  const engine = subscriptionEngine({
    hub,
    positions,
    kafka: consumer?.kafka,
    logger: log,
    liveIds,
    dedupeWindow: config.dedupeWindow,
    maxReplayEvents: config.maxReplayEvents,
    budget: options.replayBudget,
    consuming: () => (consumer ? consumer.whenConsuming() : Promise.resolve()),
  });
  // The one subscribe-time check of every transport: graphql-ws, graphql-sse, multipart and REST streams.
  const prepare = operationPreparer({
    tokens,
    introspection,
    limits,
    planner: () => planner,
    engine,
    documents: options.documents,
  });

  return {
    hub,
    schemaLoaded(apiSchema, supergraphSdl) {
      const { bindings, problems } = eventBindings(supergraphSdl);
      for (const problem of problems) log.error(problem);
      planner = new SubscriptionPlanner(apiSchema, bindings);
      // Open subscriptions were planned on the old schema; close them with a code so clients resume, never stall.
      if (loadedSdl !== undefined && loadedSdl !== supergraphSdl)
        hub.terminateAll(SUPERGRAPH_CHANGED.code, SUPERGRAPH_CHANGED.reason);
      loadedSdl = supergraphSdl;
      // Every @event topic, subscribed once: a client subscribing never triggers a group rebalance.
      topics = [...new Set([...bindings.values()].map((b) => b.topic))];
      if (attached) consumer?.setTopics(topics);
    },
    attach(httpServer, apollo, path) {
      const sse = sseHandler({ apollo, engine, prepare, tokens });
      const multipart = multipartHandler({
        engine,
        prepare,
        tokens,
        maxTokens: limits.maxTokens ?? 20_000,
        heartbeatMs: config.wsKeepAliveMs,
      });
      const ws = attachWebSocket({
        httpServer,
        path,
        apollo,
        engine,
        prepare,
        tokens,
        introspection,
        logger: log,
        keepAliveMs: config.wsKeepAliveMs,
      });
      // Consuming starts with the transports: until then no one could subscribe to what it would read.
      attached = true;
      consumer?.setTopics(topics);
      return {
        sse,
        multipart,
        async stop() {
          hub.close();
          await ws.dispose();
        },
      };
    },
    async open(caller, payload) {
      const prepared = await prepare(caller, payload);
      if (Array.isArray(prepared)) return prepared;
      const { planned, gateway, from } = (prepared as { contextValue: Operation }).contextValue;
      if (!planned) return [runtimeError({ message: "Only subscriptions can be opened as a stream." })];
      return engine.openEnding(planned, gateway, from);
    },
    whenConsuming() {
      return consumer ? consumer.whenConsuming() : Promise.resolve();
    },
    isConsuming() {
      return consumer ? consumer.isConsuming() : true;
    },
    async stop() {
      await consumer?.stop();
    },
  };
}

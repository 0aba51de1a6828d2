// Subscriptions over Kafka: wires the supergraph's @event bindings, the consumer, the hub and graphql-ws.
import type { Server as HttpServer } from "node:http";
import type { ApolloServer } from "@apollo/server";
import type { GraphQLError, GraphQLSchema } from "graphql";
import { headersToStrings } from "../../events/codec.ts";
import type { TokenSettings } from "../../platform/auth/tokens.ts";
import type { Logger } from "../../platform/logger.ts";
import { inConsumerSpan } from "../../platform/tracing/index.ts";
import type { SubscriptionConfig } from "../config.ts";
import type { GatewayContext } from "../context.ts";
import { runtimeError } from "../graphql-runtime.ts";
import { type MultipartHandler, multipartHandler } from "../multipart/handler.ts";
import type { PersistedDocuments } from "../persisted/documents.ts";
import type { ReplayBudget } from "../rate-limit/replay-budget.ts";
import { type SseHandler, sseHandler } from "../sse/handler.ts";
import { eventBindings } from "./bindings.ts";
import { closingResult, SUPERGRAPH_CHANGED } from "./close-codes.ts";
import { EventConsumer } from "./consumer.ts";
import { type SubscriptionEngine, subscriptionEngine } from "./engine.ts";
import { toGatewayEvent } from "./event-source.ts";
import { SubscriptionHub } from "./hub.ts";
import { DEFAULT_STREAMING_LIMITS, type StreamingLimits } from "./limits.ts";
import { LiveEventIds } from "./live-ids.ts";
import { type Caller, type Operation, operationPreparer, type Payload } from "./operation.ts";
import { SubscriptionPlanner } from "./planner.ts";
import { LivePositions } from "./positions.ts";
import { entityResolver } from "./resolver.ts";
import type { SubscriberStream } from "./stream.ts";
import { attachWebSocket } from "./ws.ts";

/** Records per partition re-read at start to remember their ids: more than one relay batch re-sent after a crash. */
const LOOK_BEHIND = 1_000;

export interface SubscriptionsOptions {
  config: SubscriptionConfig;
  tokens: TokenSettings;
  introspection: boolean;
  logger: Logger;
  /** The operation limits HTTP enforces; subscriptions are refused over them the same way. */
  limits?: StreamingLimits;
  /** Charges a resume's replay to its caller's rate-limit budget. */
  replayBudget?: ReplayBudget;
  /** Trusted documents: the same manifest lookup HTTP uses. */
  documents?: PersistedDocuments;
}

export interface Subscriptions {
  /** Called with every loaded supergraph (Apollo's schemaDidLoadOrUpdate). */
  schemaLoaded(apiSchema: GraphQLSchema, supergraphSdl: string): void;
  /** Starts serving graphql-ws on the HTTP server and consuming Kafka. */
  start(httpServer: HttpServer, apollo: ApolloServer<GatewayContext>, path: string): void;
  whenConsuming(): Promise<void>;
  /** False while the event consumer is not joined and positioned (readiness); true when subscriptions are off. */
  isConsuming(): boolean;
  readonly hub: SubscriptionHub | undefined;
  /** graphql-sse on the same path (`accept: text/event-stream`); undefined before start. */
  readonly sse: SseHandler | undefined;
  /**
   * One subscription for a transport of its own (the REST facade's event streams), with the same checks as
   * graphql-ws and graphql-sse; refusals come back as errors. Ends with a last error result where those close.
   */
  open(caller: Caller, payload: Payload): Promise<SubscriberStream | readonly GraphQLError[]>;
  /** Apollo's multipart HTTP subscriptions on POST /graphql; undefined before start. */
  readonly multipart: MultipartHandler | undefined;
  stop(): Promise<void>;
}

export function createSubscriptions({
  config,
  tokens,
  introspection,
  logger,
  limits = DEFAULT_STREAMING_LIMITS,
  replayBudget,
  documents,
}: SubscriptionsOptions): Subscriptions {
  const log = logger.child({ component: "subscriptions" });
  let planner: SubscriptionPlanner | undefined;
  let hub: SubscriptionHub | undefined;
  let ws: { dispose(): Promise<void> } | undefined;
  let sse: SseHandler | undefined;
  let multipart: MultipartHandler | undefined;
  let topics: string[] = [];
  let engine: SubscriptionEngine | undefined;
  let prepare: ReturnType<typeof operationPreparer> | undefined;
  let loadedSdl: string | undefined;
  const positions = new LivePositions();
  const liveIds = new LiveEventIds(config.dedupeWindow);
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
        async onRecord({ topic, partition, message }) {
          const offset = BigInt(message.offset);
          const admitted = liveIds.admit(topic, partition, message);
          // Read again after a restart (the look-behind) only to remember its id: it was handled before.
          if (offset <= (positions.get(topic, partition) ?? -1n)) return;
          // Before anything can return: a cursor claims every record up to its position was handled.
          positions.advance(topic, partition, offset);
          // A re-sent copy of an event already delivered (the outbox relay sends at least once).
          if (!admitted) return;
          // Most events have no subscriber on this instance; skip them before paying for decoding.
          if (!hub?.hasSubscribers(topic)) return;
          let event: ReturnType<typeof toGatewayEvent>;
          try {
            event = toGatewayEvent(topic, partition, message);
          } catch (error) {
            log.warn({ err: error, topic, partition, offset: message.offset }, "undecodable event skipped");
            return;
          }
          // Synchronously with the dispatch below (no await between): the cursor matches the queues exactly.
          event.resume = positions.cursor(topic);
          // Continues the producer's trace: the subgraph fetches resolving this event become its children.
          const [target, traced] = [
            hub,
            { "messaging.destination.name": topic, "messaging.message.id": event.id },
          ];
          await inConsumerSpan(`deliver ${topic}`, headersToStrings(message.headers), traced, () =>
            target.dispatch(event),
          );
        },
      })
    : undefined;

  return {
    get hub() {
      return hub;
    },
    get sse() {
      return sse;
    },
    get multipart() {
      return multipart;
    },
    schemaLoaded(apiSchema, supergraphSdl) {
      const { bindings, problems } = eventBindings(supergraphSdl);
      for (const problem of problems) log.error(problem);
      planner = new SubscriptionPlanner(apiSchema, bindings);
      // Open subscriptions were planned on the old schema; close them with a code so clients resume, never stall.
      if (loadedSdl !== undefined && loadedSdl !== supergraphSdl)
        hub?.terminateAll(SUPERGRAPH_CHANGED.code, SUPERGRAPH_CHANGED.reason);
      loadedSdl = supergraphSdl;
      // Every @event topic, subscribed once: a client subscribing never triggers a group rebalance.
      topics = [...new Set([...bindings.values()].map((b) => b.topic))];
      if (hub) consumer?.setTopics(topics);
    },
    start(httpServer, apollo, path) {
      const resolve = entityResolver(apollo, log);
      hub = new SubscriptionHub({
        resolve,
        logger: log,
        maxInFlight: config.maxInFlight,
        maxQueuePerSubscriber: config.maxQueuePerSubscriber,
        clockToleranceMs: tokens.clockToleranceSeconds * 1000,
      });
      engine = subscriptionEngine({
        hub,
        positions,
        kafka: consumer?.kafka,
        resolve,
        logger: log,
        liveIds,
        dedupeWindow: config.dedupeWindow,
        maxReplayEvents: config.maxReplayEvents,
        budget: replayBudget,
        consuming: () => (consumer ? consumer.whenConsuming() : Promise.resolve()),
      });
      prepare = operationPreparer({ tokens, introspection, limits, planner: () => planner, engine });
      sse = sseHandler({
        apollo,
        engine,
        tokens,
        introspection,
        limits,
        planner: () => planner,
        logger: log,
        documents,
      });
      multipart = multipartHandler({
        engine,
        tokens,
        introspection,
        limits,
        planner: () => planner,
        heartbeatMs: config.wsKeepAliveMs,
        documents,
      });
      ws = attachWebSocket({
        httpServer,
        path,
        apollo,
        hub,
        engine,
        planner: () => planner,
        tokens,
        introspection,
        limits,
        logger: log,
        keepAliveMs: config.wsKeepAliveMs,
        documents,
      });
      consumer?.setTopics(topics);
    },
    async open(caller, payload) {
      if (!prepare || !engine)
        return [runtimeError({ message: "The gateway is still starting; retry shortly." })];
      const prepared = await prepare(caller, payload);
      if (Array.isArray(prepared)) return prepared;
      const { planned, gateway, from } = (prepared as { contextValue: Operation }).contextValue;
      if (!planned) return [runtimeError({ message: "Only subscriptions can be opened as a stream." })];
      let stream: SubscriberStream | undefined;
      const terminate = (code: number, reason: string) => stream?.end(closingResult(code, reason));
      stream = engine.open(planned, gateway, from, terminate);
      return stream;
    },
    whenConsuming() {
      return consumer ? consumer.whenConsuming() : Promise.resolve();
    },
    isConsuming() {
      return consumer ? consumer.isConsuming() : true;
    },
    async stop() {
      await ws?.dispose();
      await consumer?.stop();
    },
  };
}

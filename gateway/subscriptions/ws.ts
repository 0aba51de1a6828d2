// graphql-ws on the gateway's HTTP server: subscriptions go to the hub, queries and mutations through Apollo.
import { randomUUID } from "node:crypto";
import type { Server as HttpServer, IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { ApolloServer } from "@apollo/server";
import type {
  DocumentNode,
  ExecutionArgs,
  ExecutionResult,
  FormattedExecutionResult,
  GraphQLError,
} from "graphql";
import type { Context } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { TokenSettings } from "../../platform/auth/tokens.ts";
import { unauthenticated } from "../../platform/errors.ts";
import type { Logger } from "../../platform/logger.ts";
import { createGatewayContext, type GatewayContext } from "../context.ts";
import { graphqlRuntime as graphql, runtimeError } from "../graphql-runtime.ts";
import type { SubscriptionHub } from "./hub.ts";
import type { PlannedSubscription, SubscriptionPlanner } from "./planner.ts";

export interface WebSocketOptions {
  httpServer: HttpServer;
  path: string;
  apollo: ApolloServer<GatewayContext>;
  hub: SubscriptionHub;
  planner: () => SubscriptionPlanner | undefined;
  tokens: TokenSettings;
  introspection: boolean;
  logger: Logger;
  keepAliveMs?: number;
}

/** What onSubscribe hands to execute/subscribe through graphql-ws' `contextValue`. */
interface Operation {
  gateway: GatewayContext;
  source: string;
  planned?: PlannedSubscription;
}

type Caller = Omit<GatewayContext, "requestId">;

/** An auth failure without Apollo's `http` hint (meaningless here), as graphql-ws' own realm's error. */
function authError(error: unknown): GraphQLError {
  const { message, extensions } = error as { message?: string; extensions?: Record<string, unknown> };
  if (!message || extensions?.code !== "UNAUTHENTICATED") return runtimeError(unauthenticated());
  const { http: _http, ...rest } = extensions;
  return runtimeError({ message, extensions: rest });
}

export function attachWebSocket(options: WebSocketOptions): { dispose(): Promise<void> } {
  const { apollo, hub, tokens, logger } = options;
  const callers = new WeakMap<Context, Caller | { refused: GraphQLError }>();
  const { specifiedRules, NoSchemaIntrospectionCustomRule } = graphql;
  const rules = options.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const wss = new WebSocketServer({ noServer: true });

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? "/", "http://gateway").pathname !== options.path) return void socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
  };
  options.httpServer.on("upgrade", onUpgrade);

  const server = useServer(
    {
      onConnect(ctx) {
        const params = ctx.connectionParams ?? {};
        const header =
          params.authorization ?? params.Authorization ?? ctx.extra.request.headers.authorization;
        try {
          const { requestId: _, ...caller } = createGatewayContext(tokens, {
            authorization: typeof header === "string" ? header : undefined,
          });
          callers.set(ctx, caller);
        } catch (error) {
          // Acknowledge anyway: each operation then fails with UNAUTHENTICATED, which clients can act on.
          callers.set(ctx, { refused: authError(error) });
        }
        return true;
      },

      onSubscribe(ctx, _id, payload) {
        const caller = callers.get(ctx);
        if (!caller) return [runtimeError(unauthenticated())];
        if ("refused" in caller) return [caller.refused];
        if (
          caller.tokenExpiresAt &&
          caller.tokenExpiresAt.getTime() + tokens.clockToleranceSeconds * 1000 < Date.now()
        ) {
          return [
            runtimeError(unauthenticated("The access token has expired; reconnect with a fresh token.")),
          ];
        }
        const planner = options.planner();
        if (!planner)
          return [runtimeError({ message: "The gateway has not loaded its supergraph yet; retry shortly." })];
        let document: DocumentNode;
        try {
          document = graphql.parse(payload.query);
        } catch (error) {
          return [error instanceof graphql.GraphQLError ? error : runtimeError({ message: String(error) })];
        }
        const errors = graphql.validate(planner.schema, document, rules);
        if (errors.length > 0) return errors;
        const operation = graphql.getOperationAST(document, payload.operationName);
        if (!operation)
          return [runtimeError({ message: "Unable to identify the operation; give operationName." })];
        const variables = (payload.variables ?? {}) as Record<string, unknown>;
        const contextValue: Operation = {
          gateway: { ...caller, requestId: randomUUID() },
          source: payload.query,
        };
        if (operation.operation === "subscription") {
          const planned = planner.plan({
            source: payload.query,
            document,
            operation,
            variables,
            viewer: caller.viewer,
          });
          if (Array.isArray(planned)) return planned;
          contextValue.planned = planned as PlannedSubscription;
        }
        const args: ExecutionArgs = {
          schema: planner.schema,
          document,
          operationName: payload.operationName,
          variableValues: variables,
          contextValue,
        };
        return args;
      },

      async execute(args) {
        const { gateway, source } = args.contextValue as Operation;
        const response = await apollo.executeOperation(
          {
            query: source,
            operationName: args.operationName ?? undefined,
            variables: args.variableValues ?? undefined,
          },
          { contextValue: gateway },
        );
        if (response.body.kind === "single") return response.body.singleResult as ExecutionResult;
        return {
          errors: [runtimeError({ message: "@defer and @stream are not supported over WebSocket." })],
        };
      },

      subscribe(args) {
        const { gateway, planned } = args.contextValue as Operation;
        return hub.subscribe(planned!, gateway) as AsyncGenerator<ExecutionResult>;
      },

      // Results from Apollo and the hub are already formatted (plain errors), so send them as they are.
      onNext: (_ctx, _id, _payload, _args, result) => result as FormattedExecutionResult,
      // Otherwise graphql-ws decides from process.env whether to hide internal error messages.
      isProd: !options.introspection,
    },
    wss,
    options.keepAliveMs ?? 12_000,
  );

  return {
    async dispose() {
      options.httpServer.off("upgrade", onUpgrade);
      hub.close();
      await Promise.resolve(server.dispose()).catch((error: unknown) =>
        logger.warn({ err: error }, "closing WebSockets failed"),
      );
    },
  };
}

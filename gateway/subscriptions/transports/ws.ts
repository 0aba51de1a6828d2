import type { Server as HttpServer, IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { ApolloServer } from "@apollo/server";
import type { ExecutionArgs, ExecutionResult, FormattedExecutionResult, GraphQLError } from "graphql";
import type { Context } from "graphql-ws";
import { useServer } from "graphql-ws/use/ws";
import type { WebSocket } from "ws";
import { WebSocketServer } from "ws";
import type { TokenSettings } from "../../../platform/auth/tokens.ts";
import { unauthenticated } from "../../../platform/errors.ts";
import type { Logger } from "../../../platform/logger.ts";
import { createGatewayContext, type GatewayContext } from "../../context.ts";
import { runtimeError } from "../../graphql-runtime.ts";
import type { PersistedDocuments } from "../../persisted/documents.ts";
import type { SubscriptionEngine } from "../engine.ts";
import type { SubscriptionHub } from "../fan-out/hub.ts";
import type { StreamingLimits } from "../planning/limits.ts";
import {
  type Operation as BaseOperation,
  type Caller,
  executeThroughApollo,
  operationPreparer,
} from "../planning/operation.ts";
import type { SubscriptionPlanner } from "../planning/planner.ts";
import { frameSink, sendingDirectly } from "./direct-send.ts";

export interface WebSocketOptions {
  httpServer: HttpServer;
  path: string;
  apollo: ApolloServer<GatewayContext>;
  hub: SubscriptionHub;
  engine: SubscriptionEngine;
  planner: () => SubscriptionPlanner | undefined;
  tokens: TokenSettings;
  introspection: boolean;
  limits: StreamingLimits;
  logger: Logger;
  keepAliveMs?: number;
  documents?: PersistedDocuments;
}

type Operation = BaseOperation & {
  socket?: WebSocket;
  /** The graphql-ws operation id, spliced into each pre-serialized `next` message. */
  id?: string;
};

/** An auth failure without Apollo's `http` hint (meaningless here), as graphql-ws' own realm's error. */
function authError(error: unknown): GraphQLError {
  const { message, extensions } = error as { message?: string; extensions?: Record<string, unknown> };
  if (!message || extensions?.code !== "UNAUTHENTICATED") return runtimeError(unauthenticated());
  const { http: _http, ...rest } = extensions;
  return runtimeError({ message, extensions: rest });
}

export function attachWebSocket(options: WebSocketOptions): { dispose(): Promise<void> } {
  const { apollo, hub, engine, tokens, logger } = options;
  const callers = new WeakMap<Context, Caller | { refused: GraphQLError }>();
  const prepare = operationPreparer({ ...options, engine });
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
          callers.set(ctx, { ...caller, clientIp: ctx.extra.request.socket.remoteAddress });
        } catch (error) {
          // Acknowledge anyway: each operation then fails with UNAUTHENTICATED, which clients can act on.
          callers.set(ctx, { refused: authError(error) });
        }
        return true;
      },

      async onSubscribe(ctx, id, payload) {
        const caller = callers.get(ctx);
        if (!caller) return [runtimeError(unauthenticated())];
        if ("refused" in caller) return [caller.refused];
        const prepared = await prepare(caller, payload);
        if (Array.isArray(prepared)) return prepared;
        const args = prepared as ExecutionArgs;
        Object.assign(args.contextValue as Operation, { socket: ctx.extra.socket, id });
        return args;
      },

      execute: (args) => executeThroughApollo(apollo, args, "WebSocket"),

      subscribe(args) {
        const { gateway, planned, from, socket, id } = args.contextValue as Operation;
        // A documented close code (close-codes.ts) closes the connection: the client resumes from its cursor.
        const terminate = (code: number, reason: string) => socket?.close(code, reason);
        const stream = engine.open(planned!, gateway, from, terminate);
        // Hot path: one JSON.stringify per group and event, one ready frame per write (direct-send.ts).
        if (socket && id !== undefined) {
          const failed = (error: unknown) =>
            logger.error({ err: error }, "sending a subscription event failed");
          return sendingDirectly(stream, frameSink(socket, id, failed));
        }
        return stream as AsyncGenerator<ExecutionResult>;
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

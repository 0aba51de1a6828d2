import type { Server as HttpServer, IncomingMessage } from "node:http";
import type { Socket } from "node:net";
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
import type { GatewayContext } from "../../context.ts";
import { runtimeError } from "../../graphql-runtime.ts";
import type { SubscriptionEngine } from "../engine.ts";
import { callerFrom } from "../planning/caller.ts";
import {
  type Operation as BaseOperation,
  type Caller,
  executeThroughApollo,
  type OperationPreparer,
} from "../planning/operation.ts";
import { frameSink, sendingDirectly } from "./direct-send.ts";

export interface WebSocketOptions {
  httpServer: HttpServer;
  path: string;
  apollo: ApolloServer<GatewayContext>;
  engine: SubscriptionEngine;
  prepare: OperationPreparer;
  tokens: TokenSettings;
  /** Off: graphql-ws hides internal error messages, as Apollo does in production. */
  introspection: boolean;
  logger: Logger;
  keepAliveMs?: number;
}

type Operation = BaseOperation & {
  socket?: WebSocket;
  /** The TCP connection under it, as the HTTP upgrade handed it over. */
  connection?: Socket;
  /** The graphql-ws operation id, spliced into each pre-serialized `next` message. */
  id?: string;
};

export function attachWebSocket(options: WebSocketOptions): { dispose(): Promise<void> } {
  const { apollo, engine, prepare, tokens, logger } = options;
  const callers = new WeakMap<Context, Caller | GraphQLError>();
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
        // A refused token is acknowledged anyway: each operation then fails with UNAUTHENTICATED, which
        // clients can act on.
        callers.set(ctx, callerFrom(tokens, header, ctx.extra.request.socket.remoteAddress));
        return true;
      },

      async onSubscribe(ctx, id, payload) {
        const caller = callers.get(ctx);
        if (!caller) return [runtimeError(unauthenticated())];
        if (caller instanceof Error) return [caller];
        const prepared = await prepare(caller, payload);
        if (Array.isArray(prepared)) return prepared;
        const args = prepared as ExecutionArgs;
        const connection = ctx.extra.request.socket as Socket;
        Object.assign(args.contextValue as Operation, { socket: ctx.extra.socket, connection, id });
        return args;
      },

      execute: (args) => executeThroughApollo(apollo, args, "WebSocket"),

      subscribe(args) {
        const { gateway, planned, from, socket, connection, id } = args.contextValue as Operation;
        // A documented close code (close-codes.ts) closes the connection: the client resumes from its cursor.
        const terminate = (code: number, reason: string) => socket?.close(code, reason);
        const stream = engine.open(planned!, gateway, from, terminate);
        // Hot path: one JSON.stringify per group and event, one ready message per id (direct-send.ts).
        if (socket && connection && id !== undefined) {
          const failed = (error: unknown) =>
            logger.error({ err: error }, "sending a subscription event failed");
          return sendingDirectly(stream, frameSink(socket, connection, id, failed));
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
      await Promise.resolve(server.dispose()).catch((error: unknown) =>
        logger.warn({ err: error }, "closing WebSockets failed"),
      );
    },
  };
}

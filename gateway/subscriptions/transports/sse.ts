// Subscriptions (and queries/mutations) over graphql-sse on /graphql/stream, through the same engine as graphql-ws.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServer } from "@apollo/server";
import type { ExecutionArgs, ExecutionResult, GraphQLError } from "graphql";
import { createHandler } from "graphql-sse/lib/use/http";
import type { TokenSettings } from "../../../platform/auth/tokens.ts";
import type { GatewayContext } from "../../context.ts";
import type { SubscriptionEngine } from "../engine.ts";
import { callerFrom } from "../planning/caller.ts";
import { executeThroughApollo, type Operation, type OperationPreparer } from "../planning/operation.ts";

export const SSE_PATH = "/graphql/stream";

/**
 * Clients that list text/event-stream first (GraphiQL's SSE mode, EventSource-style GETs) get graphql-sse on
 * /graphql itself too. Clients that only include it among others (urql lists it after JSON) keep plain HTTP.
 */
export function prefersEventStream(accept: string | undefined): boolean {
  return /^\s*text\/event-stream\b/i.test(accept ?? "");
}

export type SseHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface SseOptions {
  apollo: ApolloServer<GatewayContext>;
  engine: SubscriptionEngine;
  prepare: OperationPreparer;
  tokens: TokenSettings;
}

/**
 * A subscribe-time refusal as the stream's one result. `data: null` is what makes graphql-sse treat it as a
 * result (its isExecutionResult looks for the key); without it the errors were taken for execution
 * arguments and the client only saw "400: Unable to detect operation AST".
 */
function refused(errors: readonly GraphQLError[]): ExecutionResult {
  return { data: null, errors };
}

/** graphql-sse's Node handler; auth from the `authorization` header, as over HTTP. */
export function sseHandler(options: SseOptions): SseHandler {
  const { apollo, engine, prepare, tokens } = options;
  const handler = createHandler({
    async onSubscribe(req, params) {
      const caller = callerFrom(tokens, req.headers.get("authorization"), req.raw.socket.remoteAddress);
      if (caller instanceof Error) return refused([caller]);
      const prepared = await prepare(caller, params);
      if (Array.isArray(prepared)) return refused(prepared);
      // graphql-sse types the context as its own record; ours is the Operation built by prepare.
      return prepared as ExecutionArgs & { contextValue: Record<string, never> };
    },
    execute: (args) => executeThroughApollo(apollo, args as ExecutionArgs, "SSE"),
    subscribe(args) {
      const { gateway, planned, from } = args.contextValue as unknown as Operation;
      // SSE has no close codes: the same closes arrive as a last error naming the code.
      return engine.openEnding(planned!, gateway, from) as AsyncGenerator<ExecutionResult>;
    },
  });
  return async (req, res) => {
    await handler(req, res);
  };
}

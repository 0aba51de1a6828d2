// Subscriptions over Apollo's multipart HTTP protocol on POST /graphql: the same checks (token, limits, plan,
// cursor) and the same engine as graphql-ws and graphql-sse, so filters, resume cursors and limits behave alike.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FormattedExecutionResult } from "graphql";
import type { TokenSettings } from "../../../platform/auth/tokens.ts";
import { graphqlRuntime as graphql } from "../../graphql-runtime.ts";
import type { SubscriptionEngine } from "../engine.ts";
import { callerFrom } from "../planning/caller.ts";
import type { Operation, OperationPreparer } from "../planning/operation.ts";
import {
  acceptsMultipart,
  CLOSING,
  HEARTBEAT,
  MULTIPART_CONTENT_TYPE,
  OPENING,
  part,
} from "./multipart-protocol.ts";

export interface MultipartOptions {
  engine: SubscriptionEngine;
  prepare: OperationPreparer;
  tokens: TokenSettings;
  /** The parser's token budget, for the cheap look at whether the request is a subscription. */
  maxTokens: number;
  /** How often an idle stream sends `{}`, so proxies and clients see it alive (Apollo Router: 5 s). */
  heartbeatMs?: number;
}

/** Takes the request (true) when it is a subscription asking for multipart; otherwise leaves it to Apollo. */
export type MultipartHandler = (req: IncomingMessage, res: ServerResponse, body: unknown) => Promise<boolean>;

interface Payload {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

function asPayload(body: unknown): Payload | undefined {
  if (!body || typeof body !== "object" || typeof (body as Payload).query !== "string") return undefined;
  return body as Payload;
}

/** Cheap look at the operation type; anything unparsable goes on to Apollo, which answers it in full. */
function isSubscription(payload: Payload, maxTokens: number): boolean {
  try {
    const document = graphql.parse(payload.query, { maxTokens });
    return graphql.getOperationAST(document, payload.operationName)?.operation === "subscription";
  } catch {
    return false;
  }
}

export function multipartHandler(options: MultipartOptions): MultipartHandler {
  const { prepare } = options;
  const heartbeatMs = options.heartbeatMs ?? 5_000;

  return async (req, res, body) => {
    if (req.method !== "POST" || !acceptsMultipart(req.headers.accept)) return false;
    const payload = asPayload(body);
    if (!payload || !isSubscription(payload, options.maxTokens)) return false;

    const caller = callerFrom(options.tokens, req.headers.authorization, req.socket.remoteAddress);
    const prepared = caller instanceof Error ? [caller] : await prepare(caller, payload);
    res.writeHead(200, {
      "content-type": MULTIPART_CONTENT_TYPE,
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
    });
    res.write(OPENING);
    if (Array.isArray(prepared)) {
      // Refused at subscribe time: the one result says why, as over graphql-sse.
      res.end(`${part({ payload: { data: null, errors: prepared } })}${CLOSING}`);
      return true;
    }
    const { gateway, planned, from } = (prepared as { contextValue: Operation }).contextValue;
    const opened = options.engine.openEnding(planned!, gateway, from);
    const heartbeat = setInterval(() => res.write(HEARTBEAT), heartbeatMs);
    // The client went away: the subscription ends, and the engine forgets its subscriber.
    res.once("close", () => void opened.return());
    try {
      for await (const result of opened as AsyncIterable<FormattedExecutionResult>) {
        if (res.destroyed) break;
        res.write(part({ payload: result }));
      }
    } finally {
      clearInterval(heartbeat);
      if (!res.destroyed) res.end(CLOSING);
    }
    return true;
  };
}

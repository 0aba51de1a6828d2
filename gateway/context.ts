// Per-operation context: who is asking (from the Bearer token) and what to forward to the subgraphs.
import { randomUUID } from "node:crypto";
import { GraphQLError } from "graphql";
import type { TokenSettings, Viewer } from "../platform/auth/tokens.ts";
import { verifiedTokensFor } from "../platform/auth/verified-tokens.ts";

export interface GatewayContext {
  viewer: Viewer | null;
  /** The client's header, forwarded verbatim so each subgraph verifies the token again. */
  authorization?: string;
  requestId: string;
  tokenExpiresAt?: Date;
  /**
   * Set for queries over HTTP: identical subgraph fetches in flight at once may share one request. Subscription
   * events are already resolved once per group of identical subscriptions, and each group on its own.
   */
  shareSubgraphFetches?: boolean;
  /**
   * Set while the gateway resolves a subscription event for a group of subscribers (subscriptions/fan-out/
   * resolver.ts): the subgraph fetches it makes belong to an event, not to a client's request. Such
   * resolutions run on the gateway's executor, outside Apollo Server's plugins (rate limits never see them).
   */
  resolvingEvent?: boolean;
  /**
   * The client's address, for per-IP rate limits: from the socket, whatever the transport (HTTP, graphql-ws,
   * graphql-sse), so anonymous clients never share one budget.
   */
  clientIp?: string;
}

export interface CallerHeaders {
  authorization?: string | null;
  requestId?: string | null;
}

/**
 * Verifies the caller's token. A bad token fails the whole request (never silently anonymous);
 * `http.status` makes Apollo answer 401 instead of its default 500 for context errors.
 */
export function createGatewayContext(tokens: TokenSettings, headers: CallerHeaders): GatewayContext {
  const authorization = headers.authorization ?? undefined;
  const requestId = headers.requestId || randomUUID();
  try {
    const verified = verifiedTokensFor(tokens).verify(authorization);
    if (!verified) return { viewer: null, requestId };
    return { viewer: verified.viewer, authorization, requestId, tokenExpiresAt: verified.expiresAt };
  } catch (error) {
    if (!(error instanceof GraphQLError)) throw error;
    throw new GraphQLError(error.message, {
      extensions: { ...error.extensions, code: "UNAUTHENTICATED", http: { status: 401 } },
    });
  }
}

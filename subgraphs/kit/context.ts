// What every resolver receives: who is asking, their raw token (to forward), and per-request loaders.
import type { HeaderMap } from "@apollo/server";
import type { TokenSettings, Viewer } from "../../platform/auth/tokens.ts";
import { verifiedTokensFor } from "../../platform/auth/verified-tokens.ts";

export interface SubgraphContext<Loaders = unknown> {
  viewer: Viewer | null;
  requestId?: string;
  /** Built fresh for each request, so batching never leaks data between viewers. */
  loaders: Loaders;
  /** Set by recordSideEffect (side-effects.ts) when a read wrote something. */
  sideEffect?: boolean;
}

/** Verifies the token again here: a request sent straight to a subgraph port gets no trust for free. */
export function contextFactory<Loaders>(tokens: TokenSettings, createLoaders: () => Loaders) {
  const verified = verifiedTokensFor(tokens);
  return async (headers: HeaderMap): Promise<SubgraphContext<Loaders>> => {
    let viewer: Viewer | null = null;
    try {
      viewer = verified.verify(headers.get("authorization"))?.viewer ?? null;
    } catch (error) {
      // Apollo turns a context error into a response; 401 tells HTTP clients what happened too.
      Object.assign((error as { extensions: Record<string, unknown> }).extensions, { http: { status: 401 } });
      throw error;
    }
    return {
      viewer,
      requestId: headers.get("x-request-id"),
      loaders: createLoaders(),
    };
  };
}

// What every resolver receives: who is asking, their raw token (to forward), and per-request loaders.
import type { IncomingMessage } from "node:http";
import { type TokenSettings, type Viewer, verifyAuthorizationHeader } from "../../platform/auth/tokens.ts";

export interface SubgraphContext<Loaders = unknown> {
  viewer: Viewer | null;
  requestId?: string;
  /** Built fresh for each request, so batching never leaks data between viewers. */
  loaders: Loaders;
}

/** Verifies the token again here: a request sent straight to a subgraph port gets no trust for free. */
export function contextFactory<Loaders>(tokens: TokenSettings, createLoaders: () => Loaders) {
  return async (req: IncomingMessage): Promise<SubgraphContext<Loaders>> => {
    let viewer: Viewer | null = null;
    try {
      viewer = verifyAuthorizationHeader(tokens, req.headers.authorization)?.viewer ?? null;
    } catch (error) {
      // Apollo turns a context error into a response; 401 tells HTTP clients what happened too.
      Object.assign((error as { extensions: Record<string, unknown> }).extensions, { http: { status: 401 } });
      throw error;
    }
    const requestId = req.headers["x-request-id"];
    return {
      viewer,
      requestId: typeof requestId === "string" ? requestId : undefined,
      loaders: createLoaders(),
    };
  };
}

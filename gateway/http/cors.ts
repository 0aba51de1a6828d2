// CORS for browsers (Apollo Sandbox among them): allowed origins get headers; preflights are answered here.
import type { IncomingMessage, ServerResponse } from "node:http";

export interface CorsOptions {
  /** `["*"]` allows any origin; an empty list sends no CORS headers (same-origin only). */
  origins: string[];
  maxAgeSeconds?: number;
}

/** Sets the headers; returns true when it answered the request (a preflight) and nothing else should. */
export function useCors(options: CorsOptions) {
  const any = options.origins.includes("*");
  const allowed = new Set(options.origins);
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const origin = req.headers.origin;
    const permitted = origin !== undefined && (any || allowed.has(origin));
    // The answer depends on Origin unless every origin is allowed; caches must know.
    if (!any) res.setHeader("vary", "Origin");
    if (permitted) {
      res.setHeader("access-control-allow-origin", any ? "*" : origin);
      // Credentials may not be combined with "*"; Sandbox sends the token as a header, not a cookie.
      if (!any) res.setHeader("access-control-allow-credentials", "true");
    }
    if (req.method !== "OPTIONS" || !req.headers["access-control-request-method"]) return false;
    if (permitted) {
      res.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
      const requested = req.headers["access-control-request-headers"];
      res.setHeader(
        "access-control-allow-headers",
        requested ?? "content-type, authorization, apollo-require-preflight",
      );
      res.setHeader("access-control-max-age", String(options.maxAgeSeconds ?? 600));
    }
    res.statusCode = 204;
    res.end();
    return true;
  };
}

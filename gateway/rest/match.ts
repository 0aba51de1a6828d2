// Finds the route for a method and path: literal segments win over `{param}` ones (`/messages/stream` over `/messages/{id}`).
import type { HttpMethod, RestRoute } from "./routes.ts";

export type Match<R extends RestRoute> =
  | { kind: "route"; route: R; params: Record<string, string> }
  /** The path exists, not with this method: 405 with `Allow`. */
  | { kind: "method"; allow: HttpMethod[] }
  /** Under a REST prefix but no such path: a problem document, not the gateway's plain 404. */
  | { kind: "none" };

interface Compiled<R> {
  route: R;
  segments: string[];
}

const paramName = (segment: string) => /^\{(\w+)\}$/.exec(segment)?.[1];

function bind(segments: string[], parts: string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const part = parts[i]!;
    const name = paramName(segment);
    if (name) {
      if (part === "") return undefined;
      params[name] = part;
    } else if (segment !== part) return undefined;
  }
  return params;
}

/** Lower is more specific: each literal segment counts before the ones after it. */
function specificity(segments: string[]): string {
  return segments.map((s) => (paramName(s) ? "1" : "0")).join("");
}

export function routeMatcher<R extends RestRoute>(routes: readonly R[]) {
  const compiled: Compiled<R>[] = routes
    .map((route) => ({ route, segments: route.path.split("/").slice(1) }))
    .sort((a, b) => specificity(a.segments).localeCompare(specificity(b.segments)));
  const prefixes = new Set(compiled.map((c) => c.segments[0]));

  return {
    /** Whether a path belongs to the REST facade at all (its first segment is one of the routes'). */
    owns(pathname: string): boolean {
      return prefixes.has(pathname.split("/")[1]);
    },
    match(method: string, pathname: string): Match<R> {
      // Percent-decoding happens per segment, after splitting: an encoded "/" stays inside its segment.
      const parts = pathname.split("/").slice(1);
      let decoded: string[];
      try {
        decoded = parts.map((p) => decodeURIComponent(p));
      } catch {
        return { kind: "none" };
      }
      const allow: HttpMethod[] = [];
      let matchedPath: string | undefined;
      for (const { route, segments } of compiled) {
        const params = bind(segments, decoded);
        if (!params) continue;
        // The most specific path wins; a less specific one does not take over another method.
        if (matchedPath !== undefined && matchedPath !== route.path) continue;
        matchedPath = route.path;
        if (route.method === method) return { kind: "route", route, params };
        allow.push(route.method);
      }
      return allow.length > 0 ? { kind: "method", allow } : { kind: "none" };
    },
  };
}

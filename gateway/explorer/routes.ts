// The developer explorers' URLs: /graphiql (local, offline), /sandbox (Apollo's), and the names people try.
import type { IncomingMessage, ServerResponse } from "node:http";
import { explorerAsset } from "./assets.ts";
import { EXPLORER_FETCHER_SCRIPT, EXPLORER_FETCHER_SOURCE } from "./fetcher-script.ts";
import { EXPLORER_ASSETS_PATH, EXPLORER_PATH, explorerPage } from "./page.ts";
import { SANDBOX_FALLBACK_SCRIPT, SANDBOX_ONLY_PARAM, sandboxFallbackScript } from "./sandbox-fallback.ts";

export interface ExplorerRoutesOptions {
  graphqlPath: string;
}

/** Where other servers put their explorer; each leads to the local one. */
const ALIASES = new Set(["/explorer", "/playground", "/graphiql/"]);

export type ExplorerRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean>;

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, cache?: string) {
  res.writeHead(status, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    "cache-control": cache ?? "no-cache",
    "x-content-type-options": "nosniff",
  });
  res.end(body);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, "content-length": 0 }).end();
}

/** Answers the explorer's URLs (true) or leaves the request to the next route (false). */
export function explorerRoutes(options: ExplorerRoutesOptions): ExplorerRoute {
  const page = explorerPage(options);
  const fallback = sandboxFallbackScript();
  return async (req, res, url) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const { pathname } = url;
    if (pathname === EXPLORER_PATH) {
      send(res, 200, "text/html; charset=utf-8", page);
      return true;
    }
    if (ALIASES.has(pathname)) {
      redirect(res, EXPLORER_PATH);
      return true;
    }
    if (pathname === "/sandbox") {
      redirect(res, `${options.graphqlPath}?${SANDBOX_ONLY_PARAM}`);
      return true;
    }
    if (!pathname.startsWith(`${EXPLORER_ASSETS_PATH}/`)) return false;
    const name = pathname.slice(EXPLORER_ASSETS_PATH.length + 1);
    if (name === SANDBOX_FALLBACK_SCRIPT) {
      send(res, 200, "text/javascript; charset=utf-8", fallback);
      return true;
    }
    if (name === EXPLORER_FETCHER_SCRIPT) {
      send(res, 200, "text/javascript; charset=utf-8", EXPLORER_FETCHER_SOURCE);
      return true;
    }
    const asset = await explorerAsset(name);
    if (!asset) return false;
    // The bundle changes only with the package version; an hour keeps reloads cheap without pinning a stale copy.
    send(res, 200, asset.type, asset.body, "public, max-age=3600");
    return true;
  };
}

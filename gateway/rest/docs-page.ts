// The API reference at /docs: Swagger UI from the swagger-ui-dist package, served from node_modules (no CDN), over
// /openapi.json. A strict Content-Security-Policy keeps the page to this origin.
import { readFileSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export const DOCS_PATH = "/docs";

// Resolved, not imported: the package's main module loads the whole browser bundle into Node, which only
// serves its files.
const DIST = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

const ASSETS: Record<string, { file: string; type: string }> = {
  "swagger-ui.css": { file: "swagger-ui.css", type: "text/css; charset=utf-8" },
  "swagger-ui-bundle.js": { file: "swagger-ui-bundle.js", type: "text/javascript; charset=utf-8" },
  "favicon-32x32.png": { file: "favicon-32x32.png", type: "image/png" },
};

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Tributary REST API</title>
    <link rel="stylesheet" href="${DOCS_PATH}/swagger-ui.css" />
    <link rel="icon" type="image/png" href="${DOCS_PATH}/favicon-32x32.png" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${DOCS_PATH}/swagger-ui-bundle.js"></script>
    <script src="${DOCS_PATH}/init.js"></script>
  </body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to validator.swagger.io for its badge.
const INIT = `window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
`;

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

const cache = new Map<string, Buffer>();

function send(res: ServerResponse, type: string, body: string | Buffer): void {
  res.writeHead(200, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "cache-control": "no-cache",
  });
  res.end(body);
}

/** False when the path is not the page's. */
export function serveDocs(pathname: string, res: ServerResponse): boolean {
  if (pathname === DOCS_PATH || pathname === `${DOCS_PATH}/`) {
    send(res, "text/html; charset=utf-8", PAGE);
    return true;
  }
  if (!pathname.startsWith(`${DOCS_PATH}/`)) return false;
  const name = pathname.slice(DOCS_PATH.length + 1);
  if (name === "init.js") {
    send(res, "text/javascript; charset=utf-8", INIT);
    return true;
  }
  const asset = ASSETS[name];
  if (!asset) return false;
  let body = cache.get(name);
  if (!body) {
    body = readFileSync(join(DIST, asset.file));
    cache.set(name, body);
  }
  send(res, asset.type, body);
  return true;
}

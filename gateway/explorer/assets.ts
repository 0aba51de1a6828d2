// The explorer's files, from npm packages, nothing fetched from a CDN: @graphql-yoga/render-graphiql's prebuilt
// bundle (React, GraphiQL, Monaco) with its stylesheet and editor workers, and graphql-ws's browser build for
// subscriptions. Loaded on the first request for them, so a gateway nobody browses never holds their megabytes.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { GRAPHQL_WS_SCRIPT } from "./fetcher-script.ts";

export interface ExplorerAsset {
  type: string;
  body: Buffer;
}

type Bundle = typeof import("@graphql-yoga/render-graphiql/graphiql");

const FILES: Record<string, [type: string, pick: (bundle: Bundle) => string]> = {
  "graphiql.js": ["text/javascript; charset=utf-8", (b) => b.js],
  "graphiql.css": ["text/css; charset=utf-8", (b) => b.css],
  "editor.worker.js": ["text/javascript; charset=utf-8", (b) => b.editorWorkerService],
  "json.worker.js": ["text/javascript; charset=utf-8", (b) => b.jsonWorker],
  "graphql.worker.js": ["text/javascript; charset=utf-8", (b) => b.graphqlWorker],
};

export const EXPLORER_ASSET_NAMES = [...Object.keys(FILES), GRAPHQL_WS_SCRIPT];

/** graphql-ws publishes its browser build in `umd/`, for pages that load it with a script tag. */
async function graphqlWsBrowserBuild(): Promise<Buffer> {
  const manifest = createRequire(import.meta.url).resolve("graphql-ws/package.json");
  return readFile(join(dirname(manifest), "umd", "graphql-ws.min.js"));
}

let loaded: Promise<Map<string, ExplorerAsset>> | undefined;

function load(): Promise<Map<string, ExplorerAsset>> {
  loaded ??= Promise.all([import("@graphql-yoga/render-graphiql/graphiql"), graphqlWsBrowserBuild()]).then(
    ([bundle, graphqlWs]) => {
      const assets = new Map<string, ExplorerAsset>();
      assets.set(GRAPHQL_WS_SCRIPT, { type: "text/javascript; charset=utf-8", body: graphqlWs });
      for (const [name, [type, pick]] of Object.entries(FILES)) {
        assets.set(name, { type, body: Buffer.from(pick(bundle)) });
      }
      const icon = /^data:([^;]+);base64,(.*)$/.exec(bundle.favicon);
      if (icon) assets.set("favicon.ico", { type: icon[1]!, body: Buffer.from(icon[2]!, "base64") });
      return assets;
    },
  );
  return loaded;
}

/** The named file, or undefined for a name the bundle does not have. */
export async function explorerAsset(name: string): Promise<ExplorerAsset | undefined> {
  return (await load()).get(name);
}

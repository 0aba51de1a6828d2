// GraphiQL's files, from the @graphql-yoga/render-graphiql package: one prebuilt bundle (React, GraphiQL, Monaco)
// with its stylesheet and editor workers, nothing fetched from a CDN. Loaded on the first request for them, so a
// gateway nobody browses never holds the bundle's megabytes.

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

export const EXPLORER_ASSET_NAMES = Object.keys(FILES);

let loaded: Promise<Map<string, ExplorerAsset>> | undefined;

function load(): Promise<Map<string, ExplorerAsset>> {
  loaded ??= import("@graphql-yoga/render-graphiql/graphiql").then((bundle) => {
    const assets = new Map<string, ExplorerAsset>();
    for (const [name, [type, pick]] of Object.entries(FILES)) {
      assets.set(name, { type, body: Buffer.from(pick(bundle)) });
    }
    const icon = /^data:([^;]+);base64,(.*)$/.exec(bundle.favicon);
    if (icon) assets.set("favicon.ico", { type: icon[1]!, body: Buffer.from(icon[2]!, "base64") });
    return assets;
  });
  return loaded;
}

/** The named file, or undefined for a name the bundle does not have. */
export async function explorerAsset(name: string): Promise<ExplorerAsset | undefined> {
  return (await load()).get(name);
}

// The Postgres settings every embedded database starts with, and PGlite's files loaded once per process.
//
// PGlite runs Postgres inside a WebAssembly heap of its own, and Postgres touches all of its shared buffers when
// it starts: with the default 128 MB each of the six subgraphs held about 150 MB more than it needed
// (docs/benchmarks.md, "What uses memory"). A subgraph's demo tables fit in a few MB, and pages beyond the
// buffers are still read from the data directory through the operating system's page cache, so a smaller pool
// changes speed on large scans, never results. Real Postgres (DATABASE_URL) keeps the server's own settings.
//
// PGlite compiles its WebAssembly module on each create until one create has finished, so six databases opened
// together (npm start's subgraphs share one process) compiled it six times over: compiling it once here and
// handing every create the same module and file-system bundle (both public exports of the package) does it once.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";

/** Postgres' shared buffer pool inside each PGlite. */
export const PGLITE_SHARED_BUFFERS = "16MB";

/** PGlite's own start parameters (single-user mode, no parallel workers...) plus ours. */
export const pgliteStartParams = (): string[] => [
  ...PGlite.defaultStartParams,
  "-c",
  `shared_buffers=${PGLITE_SHARED_BUFFERS}`,
];

type PgliteAssets = Required<Pick<PGliteOptions, "pgliteWasmModule" | "fsBundle">>;

/** Node's WebAssembly global: TypeScript's ES libs declare the namespace's types, not the object itself. */
export const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

export interface WebAssemblyApi {
  compile(bytes: Uint8Array): Promise<WebAssembly.Module>;
  instantiate(source: unknown, imports?: unknown): Promise<unknown>;
  Module: abstract new (...args: never[]) => WebAssembly.Module;
}

let assets: Promise<PgliteAssets> | undefined;

/** The compiled Postgres module and its file-system bundle, read and compiled on first use. */
export function pgliteAssets(): Promise<PgliteAssets> {
  assets ??= (async () => {
    const resolve = createRequire(import.meta.url).resolve;
    const [wasm, data] = await Promise.all([
      readFile(resolve("@electric-sql/pglite/pglite.wasm")),
      readFile(resolve("@electric-sql/pglite/pglite.data")),
    ]);
    return { pgliteWasmModule: await webAssembly.compile(wasm), fsBundle: new Blob([data]) };
  })();
  return assets;
}

/** Options for PGlite.create with our settings and the shared assets; `options` adds or overrides the rest. */
export async function pgliteOptions(options: PGliteOptions = {}): Promise<PGliteOptions> {
  return { startParams: pgliteStartParams(), ...(await pgliteAssets()), ...options };
}

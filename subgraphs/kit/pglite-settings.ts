// The Postgres settings every embedded database starts with. PGlite runs Postgres inside a WebAssembly heap
// of its own, and Postgres touches all of its shared buffers when it starts: with the default 128 MB each of
// the six subgraphs held about 150 MB more than it needed (docs/benchmarks.md, "npm start: where memory and
// time go"). A subgraph's demo tables fit in a few MB, and pages beyond the buffers are still read from the
// data directory through the operating system's page cache, so a smaller pool changes speed on large scans,
// never results. Real Postgres (DATABASE_URL) keeps the server's own settings.
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";

/** Postgres' shared buffer pool inside each PGlite. */
export const PGLITE_SHARED_BUFFERS = "16MB";

/** PGlite's own start parameters (single-user mode, no parallel workers...) plus ours. */
export const pgliteStartParams = (): string[] => [
  ...PGlite.defaultStartParams,
  "-c",
  `shared_buffers=${PGLITE_SHARED_BUFFERS}`,
];

/** Options for PGlite.create with our settings; `options` adds or overrides the rest. */
export function pgliteOptions(options: PGliteOptions = {}): PGliteOptions {
  return { startParams: pgliteStartParams(), ...options };
}

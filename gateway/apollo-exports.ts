// @apollo/federation-internals re-exports its ~300 names through the getters TypeScript's CommonJS output puts
// on dist/index.js, and @apollo/gateway and the query planner reach every helper through them on hot paths.
// All those getters are one function (`return m[k]`), so that lookup never settles on a shape: 4-5 % of the
// gateway's CPU under load went to the getters themselves, and without them the gateway used about 13 % less
// CPU per request on the bench's wide and deep shapes (docs/benchmarks.md). Node hands every later require()
// of a module what its cache entry holds, so replacing that entry's exports with a copy of plain values (the
// same functions, classes and constants, read once; the package assigns no export after loading) removes the
// getters from Apollo's path without changing a file in node_modules. server.ts imports this first: it must
// run before @apollo/gateway loads, because each of its modules keeps the object its require() returned.
// npm start's bundle carries its own copy of the package and makes the same swap where it is built.
import { createRequire } from "node:module";
import { withPlainValues } from "./plain-exports.ts";

/** `true` in npm start's bundles (esbuild's define, scripts/start/compile.ts); not defined under tsx. */
declare const TRIBUTARY_BUNDLE: boolean | undefined;

export type Outcome =
  | "flattened"
  /**
   * Running from npm start's bundle: Apollo is bundled with its own copy, which Node's module cache never
   * sees; the bundle swapped that copy's getters when it was built (scripts/start/compile.ts).
   */
  | "bundled"
  /** Something loaded federation-internals before this module ran and may hold the getters (all still works). */
  | "too late";

const require = createRequire(import.meta.url);

function flattenFederationInternals(): Outcome {
  // Not import.meta.url: the bundle keeps each module's source URL (compile.ts), so it ends in .ts there too,
  // and resolving the package here would load node_modules' copy beside the bundled one for nothing.
  if (typeof TRIBUTARY_BUNDLE !== "undefined" && TRIBUTARY_BUNDLE) return "bundled";
  // Resolved the way @apollo/gateway resolves it, so it is the copy the gateway uses.
  const fromGateway = createRequire(require.resolve("@apollo/gateway"));
  const path = fromGateway.resolve("@apollo/federation-internals");
  // Loaded already means some module holds the getters' object. (Node's ESM loader enters @apollo/gateway in
  // the cache before running it, to read its export names, so the gateway's own entry says nothing.)
  const cached = () => require.cache[path];
  if (cached()) return "too late";
  const exports = fromGateway(path) as object;
  const loaded = cached();
  if (!loaded) return "too late";
  loaded.exports = withPlainValues(exports);
  return "flattened";
}

export const federationInternals: Outcome = flattenFederationInternals();

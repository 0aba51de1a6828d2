// @apollo/federation-internals re-exports its ~300 names through the getters TypeScript's CommonJS output puts
// on dist/index.js, and @apollo/gateway and the query planner reach every helper through them on hot paths.
// All those getters are one function (`return m[k]`), so that lookup never settles on a shape: 4-5 % of the
// gateway's CPU under load went to the getters themselves, and without them the gateway used about 13 % less
// CPU per request on the bench's wide and deep shapes (docs/benchmarks.md). Node hands every later require() of a module what its cache entry
// holds, so replacing that entry's exports with a copy of plain values (the same functions, classes and
// constants, read once; the package assigns no export after loading) removes the getters from Apollo's path
// without changing a file in node_modules. server.ts imports this first: it must run before @apollo/gateway
// loads, because each of its modules keeps the object its require() returned.
import { createRequire } from "node:module";

export type Outcome =
  | "flattened"
  /** Running from npm start's bundle: Apollo is bundled with its own copy, Node's module cache never sees it. */
  | "bundled"
  /** Something loaded federation-internals before this module ran and may hold the getters (all still works). */
  | "too late";

const require = createRequire(import.meta.url);
// Resolved the way @apollo/gateway resolves it, so it is the copy the gateway uses.
const fromGateway = createRequire(require.resolve("@apollo/gateway"));

/** The exports object with every accessor replaced by the value it returns now. */
export function withPlainValues(exports: object): object {
  const descriptors = Object.getOwnPropertyDescriptors(exports);
  for (const [key, descriptor] of Object.entries(descriptors)) {
    if (!descriptor.get) continue;
    descriptors[key] = {
      value: (exports as Record<string, unknown>)[key],
      enumerable: descriptor.enumerable ?? false,
      writable: false,
      configurable: false,
    };
  }
  return Object.defineProperties({}, descriptors);
}

function flattenFederationInternals(): Outcome {
  // This file runs as TypeScript through tsx (npm run gateway, the image, tests); the bundle is .mjs.
  if (!import.meta.url.endsWith(".ts")) return "bundled";
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

// graphql-js exactly as Apollo and graphql-ws load it, for code that touches their schemas or hands them errors.
//
// graphql 16 ships a CommonJS build (main) and an ESM build (module) without an "exports" map. Node resolves
// `import "graphql"` to the CommonJS one, as @apollo/gateway's require does: one realm. Vite (so vitest) picks
// the ESM build for our sources, and then schemas and GraphQLErrors fail graphql-js' instanceof checks
// ("Cannot use GraphQLSchema from another module or realm"). Requiring it gives the one realm in both.
import { createRequire } from "node:module";

export const graphqlRuntime: typeof import("graphql") = createRequire(import.meta.url)("graphql");

/** The same error rebuilt in that realm, so graphql-ws recognises it as a GraphQLError. */
export function runtimeError(error: { message: string; extensions?: Record<string, unknown> }) {
  return new graphqlRuntime.GraphQLError(error.message, { extensions: error.extensions });
}

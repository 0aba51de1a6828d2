import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

// Suites start real servers (PGlite, the embedded broker, HTTP/WebSocket) on free ports,
// so they run in separate forked processes and get generous timeouts on a 2-core machine.
export default defineConfig({
  resolve: {
    // graphql 16 ships an ESM and a CommonJS build; Vite would hand our code the first and Apollo the
    // second, and schemas from one are "from another realm" to the other. Node itself loads one copy.
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve("graphql") }],
  },
  test: {
    include: ["**/*.test.ts"],
    // bench/ is never run by the tests, except its own unit tests (*.test.ts beside the benches).
    exclude: ["**/node_modules/**", ".data/**"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    // @apollo/gateway otherwise probes cloud metadata endpoints at every start and reports usage to Apollo:
    // tests make no call outside the machine.
    env: { APOLLO_TELEMETRY_DISABLED: "true" },
  },
});

import { defineConfig } from "vitest/config";

// Suites start real servers (PGlite, the embedded broker, HTTP/WebSocket) on free ports,
// so they run in separate forked processes and get generous timeouts on a 2-core machine.
export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", ".data/**", "bench/**"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});

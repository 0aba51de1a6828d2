import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

describe("the gateway started as `npm run gateway` starts it (through tsx)", () => {
  it("hands @apollo/gateway a federation-internals without getters, holding the very same exports", () => {
    // In a process of its own: the module cache of the test runner is not the one Node gives the gateway.
    const report = execFileSync(
      process.execPath,
      [
        "--import",
        "tsx",
        "-e",
        `import("./gateway/server.ts").then(async () => {
          const { federationInternals } = await import("./gateway/apollo-exports.ts");
          const { createRequire } = require("node:module");
          const fromGateway = createRequire(require.resolve("@apollo/gateway"));
          const path = fromGateway.resolve("@apollo/federation-internals");
          const handed = fromGateway(path);
          const descriptors = Object.values(Object.getOwnPropertyDescriptors(handed));
          // What the getters would have returned: the package's own modules, as Node loaded them.
          const dist = path.slice(0, -"index.js".length);
          const modules = Object.keys(require.cache)
            .filter((file) => file.startsWith(dist) && file !== path)
            .map((file) => require.cache[file].exports);
          const fromItsModule = (key) => modules.some((m) => m[key] === handed[key]);
          console.log(JSON.stringify({
            federationInternals,
            exports: Object.keys(handed).length,
            getters: descriptors.filter((d) => d.get).length,
            sameValues: Object.keys(handed).every(fromItsModule),
          }));
        })`,
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    const result = JSON.parse(report.trim().split("\n").at(-1) ?? "{}");
    expect(result).toMatchObject({ federationInternals: "flattened", getters: 0, sameValues: true });
    expect(result.exports).toBeGreaterThan(250);
  });
});

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { withPlainValues } from "./apollo-exports.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

describe("withPlainValues", () => {
  it("turns re-export getters into the values they return, keeping every other property as it was", () => {
    const source = { helper: () => "helped", version: 2 };
    const exports = Object.defineProperty({}, "__esModule", { value: true });
    for (const key of Object.keys(source)) {
      Object.defineProperty(exports, key, {
        enumerable: true,
        get: () => source[key as keyof typeof source],
      });
    }
    Object.defineProperty(exports, "own", { value: "data", enumerable: true });
    const plain = withPlainValues(exports) as Record<string, unknown>;
    expect(plain.helper).toBe(source.helper);
    expect(plain.version).toBe(2);
    expect(plain.own).toBe("data");
    expect(plain.__esModule).toBe(true);
    expect(Object.keys(plain)).toEqual(Object.keys(exports));
    expect(Object.values(Object.getOwnPropertyDescriptors(plain)).some((d) => d.get)).toBe(false);
  });
});

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

// Guards patches/@apollo+federation-internals+2.14.4.patch: the package @apollo/gateway loads hands out its
// exports as plain values, the very ones its own modules export. Fails when the patch stops applying.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

describe("@apollo/federation-internals as the gateway loads it", () => {
  it("has no re-export getter, and holds the package's own values", () => {
    // In a process of its own: what Node hands @apollo/gateway, not what the test runner's loader does.
    const report = execFileSync(
      process.execPath,
      [
        "-e",
        `const { createRequire } = require("node:module");
        const fromGateway = createRequire(require.resolve("@apollo/gateway"));
        const path = fromGateway.resolve("@apollo/federation-internals");
        const handed = fromGateway(path);
        const descriptors = Object.values(Object.getOwnPropertyDescriptors(handed));
        const dist = path.slice(0, -"index.js".length);
        const modules = Object.keys(require.cache)
          .filter((file) => file.startsWith(dist) && file !== path)
          .map((file) => require.cache[file].exports);
        console.log(JSON.stringify({
          exports: Object.keys(handed).length,
          getters: descriptors.filter((d) => d.get).length,
          sameValues: Object.keys(handed).every((key) => modules.some((m) => m[key] === handed[key])),
        }));`,
      ],
      { cwd: ROOT, encoding: "utf8" },
    );
    const result = JSON.parse(report.trim());
    expect(result).toMatchObject({ getters: 0, sameValues: true });
    expect(result.exports).toBeGreaterThan(250);
  });
});

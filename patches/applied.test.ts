// Every fix in patches/ is in node_modules, and every install puts it there: npm ci's postinstall locally and
// in CI, and the image's `npm ci --omit=dev`. Each patch also has a behaviour test of its own (patches/README.md).
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), "utf8");
const patches = readdirSync(new URL("patches/", ROOT)).filter((name) => name.endsWith(".patch"));
const manifest = JSON.parse(read("package.json")) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

describe("patches to dependencies", () => {
  it.each(patches)("%s is applied to the installed package", (patch) => {
    // A patch that reverses cleanly is exactly the one in place (git apply reads the diff after the header).
    expect(() =>
      execFileSync("git", ["apply", "--reverse", "--check", `patches/${patch}`], {
        cwd: ROOT,
        stdio: "pipe",
      }),
    ).not.toThrow();
  });

  it.each(patches)("%s names the version installed", (patch) => {
    const [, name, version] = /^(.+)\+([^+]+)\.patch$/.exec(patch) ?? [];
    const installed = JSON.parse(read(`node_modules/${name?.replaceAll("+", "/")}/package.json`)) as {
      version: string;
    };
    expect(installed.version).toBe(version);
  });

  it("are applied by every install, the image's included", () => {
    expect(manifest.scripts.postinstall).toBe("patch-package");
    // The image installs production dependencies only.
    expect(manifest.dependencies["patch-package"]).toBeDefined();
    const dockerfile = read("Dockerfile");
    const copied = dockerfile.indexOf("COPY patches ./patches");
    expect(copied).toBeGreaterThan(-1);
    expect(copied).toBeLessThan(dockerfile.indexOf("RUN npm ci"));
  });
});

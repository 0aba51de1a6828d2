import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { compileEntries } from "./compile.ts";

let root: string;
let cacheDir: string;

/**
 * A program whose module reads a file through the root module, as migrations and SDL are read: the root
 * module stays outside the bundle, so its location still names the program's root.
 */
function writeProgram(greeting: string) {
  mkdirSync(join(root, "lib", "assets"), { recursive: true });
  writeFileSync(join(root, "lib", "assets", "greeting.txt"), greeting);
  writeFileSync(
    join(root, "project-root.js"),
    `import { fileURLToPath } from "node:url";
     export const PROJECT_ROOT = fileURLToPath(new URL(".", import.meta.url));`,
  );
  writeFileSync(
    join(root, "lib", "greet.ts"),
    `import { readFileSync } from "node:fs";
     import { join } from "node:path";
     import { PROJECT_ROOT } from "../project-root.js";
     export const greet = (name: string): string =>
       readFileSync(join(PROJECT_ROOT, "lib/assets/greeting.txt"), "utf8") + ", " + name;`,
  );
  writeFileSync(
    join(root, "main.ts"),
    `import { greet } from "./lib/greet.ts";\nconsole.log(greet(process.argv[2] ?? ""));`,
  );
}

const run = (bundle: string, arg: string) =>
  execFileSync(process.execPath, [bundle, arg], { encoding: "utf8" }).trim();

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "compile-test-"));
  cacheDir = join(root, "cache");
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("compileEntries", () => {
  it("bundles an entry into JavaScript that finds its files through the root module, left outside the bundle", async () => {
    writeProgram("hello");
    const { bundles, built } = await compileEntries({ root, entries: { main: "main.ts" }, cacheDir });
    expect(built).toBe(true);
    expect(bundles.main).toMatch(/main\.mjs$/);
    expect(run(bundles.main!, "Ada")).toBe("hello, Ada");
    // Imported from where it lies, not copied in: no module's source was rewritten to keep its location.
    expect(readFileSync(bundles.main!, "utf8")).toContain(pathToFileURL(join(root, "project-root.js")).href);
  });

  it("reuses the previous build while no source changed", async () => {
    writeProgram("hello");
    const first = await compileEntries({ root, entries: { main: "main.ts" }, cacheDir });
    const second = await compileEntries({ root, entries: { main: "main.ts" }, cacheDir });
    expect(second.built).toBe(false);
    expect(second.bundles).toEqual(first.bundles);
  });

  it("rebuilds when a source module changes, keeping only the build before it", async () => {
    writeProgram("hello");
    const first = await compileEntries({ root, entries: { main: "main.ts" }, cacheDir });
    const rewrite = (word: string) =>
      writeFileSync(
        join(root, "lib", "greet.ts"),
        `export const greet = (name: string): string => "${word}, " + name;`,
      );
    rewrite("welcome");
    const second = await compileEntries({ root, entries: { main: "main.ts" }, cacheDir });
    expect(second.built).toBe(true);
    expect(run(second.bundles.main!, "Grace")).toBe("welcome, Grace");
    // A start still running from the first build can fork from it again.
    expect(existsSync(first.bundles.main!)).toBe(true);
    rewrite("hi");
    const third = await compileEntries({ root, entries: { main: "main.ts" }, cacheDir });
    expect(run(third.bundles.main!, "Ken")).toBe("hi, Ken");
    expect(existsSync(first.bundles.main!)).toBe(false);
    expect(existsSync(second.bundles.main!)).toBe(true);
  });

  it("rebuilds when the set of entry points changes", async () => {
    writeProgram("hello");
    await compileEntries({ root, entries: { main: "main.ts" }, cacheDir });
    const renamed = await compileEntries({ root, entries: { app: "main.ts" }, cacheDir });
    expect(renamed.built).toBe(true);
    expect(run(renamed.bundles.app!, "Alan")).toBe("hello, Alan");
  });

  it("rejects with esbuild's message when the source does not compile", async () => {
    writeFileSync(join(root, "main.ts"), `import { missing } from "./nowhere.ts";\nconsole.log(missing);`);
    await expect(compileEntries({ root, entries: { main: "main.ts" }, cacheDir })).rejects.toThrow(/nowhere/);
  });
});

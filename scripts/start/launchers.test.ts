import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { prepareLaunchers } from "./launchers.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
// Inside node_modules like the real cache, so the bundles resolve the dependencies they leave external.
const cacheDir = join(ROOT, "node_modules", ".cache", `tributary-start-test-${process.pid}`);
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** Runs a launcher the way the supervisor forks it; returns exit status and stderr. */
function runLauncher(launcher: { script: string; execArgv: string[] }, args: string[]) {
  try {
    execFileSync(process.execPath, [...launcher.execArgv, launcher.script, ...args], {
      cwd: ROOT,
      encoding: "utf8",
      stdio: "pipe",
    });
    return { status: 0, stderr: "" };
  } catch (error) {
    const failed = error as { status: number; stderr: string };
    return { status: failed.status, stderr: failed.stderr };
  }
}

describe("prepareLaunchers", () => {
  it("compiles the start script into a module that exports runStack without running it", async () => {
    const lines: string[] = [];
    const launchers = await prepareLaunchers(ROOT, (line) => lines.push(line), cacheDir);
    expect(lines.join("\n")).toMatch(/compiled the start script, the subgraphs and the gateway/);
    const stack = (await import(launchers.stack)) as Record<string, unknown>;
    expect(typeof stack.runStack).toBe("function");
  }, 60_000);

  it("reuses that build for the subgraph entry point, a bundle that loads every module and runs", async () => {
    const lines: string[] = [];
    const launchers = await prepareLaunchers(ROOT, (line) => lines.push(line), cacheDir);
    expect(launchers.subgraph.script.startsWith(cacheDir)).toBe(true);
    expect(launchers.gateway.script.startsWith(cacheDir)).toBe(true);
    expect(launchers.stack).toMatch(/^file:.*\/stack\.mjs$/);
    // The sources did not change since the test above, so its build is reused without a word.
    expect(lines).toEqual([]);
    // An unknown name stops after every import ran: the bundle resolved all its dependencies.
    const result = runLauncher(launchers.subgraph, ["no-such-subgraph"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/Usage: npm run subgraph -- <name>/);
    // The same for the process that hosts the six subgraphs together, npm start's default.
    expect(launchers.subgraphs.script.startsWith(cacheDir)).toBe(true);
    const shared = runLauncher(launchers.subgraphs, ["no-such-subgraph"]);
    expect(shared.status).toBe(1);
    expect(shared.stderr).toMatch(/Unknown subgraph no-such-subgraph/);
  }, 60_000);

  it("falls back to tsx, and says so, when the bundles cannot be written", async () => {
    const lines: string[] = [];
    const launchers = await prepareLaunchers(ROOT, (line) => lines.push(line), "/dev/null/cache");
    expect(launchers.subgraph).toEqual({ script: "scripts/subgraph.ts", execArgv: ["--import", "tsx"] });
    expect(launchers.subgraphs).toEqual({ script: "scripts/subgraphs.ts", execArgv: ["--import", "tsx"] });
    expect(launchers.gateway).toEqual({
      script: "gateway/index.ts",
      execArgv: ["--max-semi-space-size=64", "--import", "tsx"],
    });
    expect(launchers.stack).toMatch(/^file:.*\/scripts\/start\/stack\.ts$/);
    expect(lines.join("\n")).toMatch(/running them through tsx/);
    expect(runLauncher(launchers.subgraph, ["no-such-subgraph"]).stderr).toMatch(/Usage: npm run subgraph/);
  }, 60_000);
});

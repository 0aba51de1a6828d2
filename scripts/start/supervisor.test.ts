import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../test/support/ports.ts";
import { Supervisor } from "./supervisor.ts";

const dir = mkdtempSync(join(tmpdir(), "supervisor-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let supervisor: Supervisor | undefined;
afterEach(async () => {
  // Stopping twice must be harmless: several tests have stopped theirs already.
  await supervisor?.stop(500);
  supervisor = undefined;
});

function script(name: string, source: string): string {
  const path = join(dir, `${name}.mjs`);
  writeFileSync(path, source);
  return path;
}

// Crashes on its first run (leaving a marker file), answers /health on PORT on the second.
const FLAKY = `
import { existsSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
if (!existsSync(process.env.MARKER)) { writeFileSync(process.env.MARKER, "crashed"); process.exit(3); }
createServer((req, res) => res.end("ok")).listen(Number(process.env.PORT), "127.0.0.1");
`;

describe("Supervisor", () => {
  it("reports a part that exits unexpectedly and starts it again until it is healthy", async () => {
    const lines: string[] = [];
    supervisor = new Supervisor((line) => lines.push(line));
    const port = await freePort();
    const marker = join(dir, "flaky.marker");
    supervisor.start({
      name: "flaky",
      script: script("flaky", FLAKY),
      execArgv: [],
      env: { ...process.env, PORT: String(port), MARKER: marker },
      healthUrl: `http://127.0.0.1:${port}/health`,
    });
    await supervisor.waitHealthy(20_000);
    expect(existsSync(marker)).toBe(true);
    expect(lines).toEqual([
      "✖ flaky exited unexpectedly (code 3)",
      "↻ restarting flaky in 1000 ms (attempt 1/5)",
    ]);
  }, 30_000);

  it("names the parts that never answered their health URL", async () => {
    supervisor = new Supervisor(() => {});
    const port = await freePort();
    supervisor.start({
      name: "silent",
      script: script("silent", "setInterval(() => {}, 1_000);"),
      execArgv: [],
      env: process.env,
      healthUrl: `http://127.0.0.1:${port}/health`,
    });
    await expect(supervisor.waitHealthy(500)).rejects.toThrow("not healthy after 500 ms: silent");
  });

  it("stops at once when a part has already died from a signal", async () => {
    const lines: string[] = [];
    supervisor = new Supervisor((line) => lines.push(line));
    const pidFile = join(dir, "killed.pid");
    supervisor.start({
      name: "killed",
      script: script(
        "killed",
        // Written then renamed: the test must never see an empty file, or it would kill pid 0, which
        // is its own process group (the whole test run).
        `import { renameSync, writeFileSync } from "node:fs";
         writeFileSync(${JSON.stringify(`${pidFile}.tmp`)}, String(process.pid));
         renameSync(${JSON.stringify(`${pidFile}.tmp`)}, ${JSON.stringify(pidFile)});
         setInterval(() => {}, 1_000);`,
      ),
      execArgv: [],
      env: process.env,
      healthUrl: "http://127.0.0.1:1/health",
    });
    while (!existsSync(pidFile)) await new Promise((resolve) => setTimeout(resolve, 20));
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(pid).toBeGreaterThan(1);
    process.kill(pid, "SIGKILL");
    while (lines.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lines[0]).toBe("✖ killed exited unexpectedly (SIGKILL)");
    const startedAt = Date.now();
    await supervisor.stop(5_000);
    // Nothing left to wait for: well under the 5 s grace period, with room for a busy CI machine.
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it("stops a part that ignores SIGTERM with SIGKILL once the grace period is over, and reports no crash", async () => {
    const lines: string[] = [];
    supervisor = new Supervisor((line) => lines.push(line));
    const ready = join(dir, "stubborn.ready");
    supervisor.start({
      name: "stubborn",
      script: script(
        "stubborn",
        `import { writeFileSync } from "node:fs";
         process.on("SIGTERM", () => {});
         writeFileSync(${JSON.stringify(ready)}, "");
         setInterval(() => {}, 1_000);`,
      ),
      execArgv: [],
      env: process.env,
      healthUrl: "http://127.0.0.1:1/health",
    });
    while (!existsSync(ready)) await new Promise((resolve) => setTimeout(resolve, 20));
    const startedAt = Date.now();
    await supervisor.stop(300);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(290);
    expect(Date.now() - startedAt).toBeLessThan(3_000);
    expect(lines).toEqual([]);
  });
});

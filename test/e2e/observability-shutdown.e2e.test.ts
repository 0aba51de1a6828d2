// A stopping process exports its last spans: the gateway and a subgraph, each as its own process, get SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBroker, type TestBroker } from "../../events/testing/broker.ts";
import { TOPICS_AND_DEAD_LETTERS } from "../../events/topics.ts";
import { startCollector, type TestCollector } from "../../platform/tracing/testing/collector.ts";
import { testEnv } from "../support/config.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Starts a part as `npm start` would, and resolves with its URL once its "ready" log line shows. */
function launch(script: string, args: string[], env: Record<string, string>) {
  // PGlite in a temporary DATA_DIR whatever the suite runs on: this is about spans, not storage.
  const { DATABASE_URL: _unused, ...inherited } = process.env;
  const child = spawn(process.execPath, ["--import", "tsx", script, ...args], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ready = new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${script} exited (${code}) before it was ready`)));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.url && entry.msg?.endsWith("ready")) resolve(entry.url);
    });
  });
  return { child, ready };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe("the last spans of a process stopped by SIGTERM", () => {
  let collector: TestCollector;
  let broker: TestBroker;
  const dataDir = mkdtempSync(join(tmpdir(), "tributary-shutdown-"));
  beforeAll(async () => {
    [collector, broker] = await Promise.all([
      startCollector(),
      startTestBroker({ topics: TOPICS_AND_DEAD_LETTERS }),
    ]);
  });
  afterAll(async () => {
    await collector?.close();
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const cases: Array<{ part: string; script: string; args: string[]; env: Record<string, string> }> = [
    {
      part: "gateway",
      script: "gateway/index.ts",
      args: [],
      env: { GATEWAY_PORT: "0", GATEWAY_HOST: "127.0.0.1", SUBSCRIPTIONS_ENABLED: "false" },
    },
    { part: "catalog", script: "scripts/subgraph.ts", args: ["catalog"], env: { CATALOG_PORT: "0" } },
  ];

  for (const { part, script, args, env } of cases) {
    it(`reach the collector from the ${part}, well before the batch delay would have sent them`, async () => {
      const { child, ready } = launch(
        script,
        args,
        testEnv({
          ...env,
          LOG_LEVEL: "info",
          DATA_DIR: dataDir,
          KAFKA_BROKERS: broker.brokers.join(","),
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        }),
      );
      try {
        const url = new URL(await ready);
        const probe = `${url.origin}/health`;
        expect((await fetch(probe, { headers: { "x-request-id": `shutdown-${part}` } })).status).toBe(200);
        const stopped = exited(child);
        child.kill("SIGTERM");
        expect(await stopped).toBe(0);
        // The batch processor waits 5 s before exporting; the process was gone long before that.
        expect(collector.spanNames()).toContain("GET /health");
        expect(collector.bodies.some((b) => b.includes(`shutdown-${part}`))).toBe(true);
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
      }
    }, 90_000);
  }
});

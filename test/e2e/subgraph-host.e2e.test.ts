// `npm start`'s default layout: the six subgraphs in one process (subgraphs/kit/host.ts), each with its own
// PGlite database and port. A subgraph that cannot start is reported by name and does not take the others down.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBroker, type TestBroker } from "../../events/testing/broker.ts";
import { TOPICS_AND_DEAD_LETTERS } from "../../events/topics.ts";
import { SUBGRAPH_NAMES } from "../../platform/topology.ts";
import { testEnv } from "../support/config.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface Host {
  child: ChildProcess;
  /** Subgraph name → URL, from the ready messages the host sends its parent. */
  ready: Map<string, string>;
  /** The host's JSON log lines so far. */
  lines: { level?: number; name?: string; msg?: string }[];
  exited: Promise<void>;
}

/** The host process as `npm start` forks it, on PGlite in `dataDir`, every subgraph on a free port. */
function startHost(dataDir: string, brokers: string[]): Host {
  // PGlite whatever the suite runs on: this is about the process layout and its embedded databases.
  const { DATABASE_URL: _unused, ...inherited } = process.env;
  const ports = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`${name.toUpperCase()}_PORT`, "0"]));
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/subgraphs.ts"], {
    cwd: ROOT,
    env: {
      ...inherited,
      ...testEnv({ ...ports, LOG_LEVEL: "info", DATA_DIR: dataDir, KAFKA_BROKERS: brokers.join(",") }),
    },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const host: Host = {
    child,
    ready: new Map(),
    lines: [],
    exited: new Promise((resolve) => child.once("exit", () => resolve())),
  };
  child.on("message", (message: { type?: string; name?: string; url?: string }) => {
    if (message.type === "ready" && message.name && message.url) host.ready.set(message.name, message.url);
  });
  createInterface({ input: child.stdout! }).on("line", (line) => {
    try {
      host.lines.push(JSON.parse(line));
    } catch {
      // Not a log line.
    }
  });
  return host;
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const healthy = (url: string) =>
  fetch(url.replace(/\/graphql$/, "/health")).then(
    (r) => r.status,
    () => 0,
  );

describe("the subgraphs sharing one process", () => {
  let broker: TestBroker;
  const work = mkdtempSync(join(tmpdir(), "tributary-subgraph-host-"));
  const hosts: Host[] = [];
  beforeAll(async () => {
    broker = await startTestBroker({ topics: TOPICS_AND_DEAD_LETTERS });
  });
  afterAll(async () => {
    for (const host of hosts) {
      host.child.kill("SIGTERM");
      await host.exited;
    }
    await broker?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("start, each with its own database directory and port, all answering /health", async () => {
    const dataDir = join(work, "all");
    const host = startHost(dataDir, broker.brokers);
    hosts.push(host);
    await until(() => host.ready.size === SUBGRAPH_NAMES.length, 150_000, "six ready subgraphs");
    expect([...host.ready.keys()].sort()).toEqual([...SUBGRAPH_NAMES].sort());
    expect(new Set(host.ready.values()).size).toBe(SUBGRAPH_NAMES.length);
    for (const name of SUBGRAPH_NAMES) expect(existsSync(join(dataDir, name, "PG_VERSION"))).toBe(true);
    for (const url of host.ready.values()) expect(await healthy(url)).toBe(200);
  }, 180_000);

  it("keep serving when one of them cannot start, which is logged by name at error level", async () => {
    const dataDir = join(work, "broken");
    // A file where catalog's database directory should be: catalog alone cannot open its database.
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, "catalog"), "not a database");
    const host = startHost(dataDir, broker.brokers);
    hosts.push(host);
    const others = SUBGRAPH_NAMES.filter((name) => name !== "catalog");
    await until(() => others.every((name) => host.ready.has(name)), 150_000, "the five other subgraphs");
    await until(
      () => host.lines.some((l) => l.name === "catalog" && (l.level ?? 0) >= 50),
      30_000,
      "catalog's error line",
    );
    const failure = host.lines.find((l) => l.name === "catalog" && (l.level ?? 0) >= 50);
    expect(failure?.msg).toMatch(/subgraph failed to start/);
    expect(host.ready.has("catalog")).toBe(false);
    expect(host.child.exitCode).toBeNull();
    for (const name of others) expect(await healthy(host.ready.get(name)!)).toBe(200);
  }, 240_000);
});

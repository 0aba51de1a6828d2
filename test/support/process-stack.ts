// The whole supergraph as real child processes, as `npm start` runs it: the embedded broker, the six subgraphs
// and the gateway, each one killable with SIGKILL and restartable on its own port and data (PGlite files
// in a data directory, or one database per subgraph on a Postgres server).
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureTopics } from "../../events/admin.ts";
import { sleep } from "../../events/backoff.ts";
import { createKafka } from "../../events/kafka.ts";
import { ALL_TOPICS, dlqTopic } from "../../events/topics.ts";
import { PROJECT_ROOT } from "../../platform/project-root.js";
import { SUBGRAPH_NAMES, type SubgraphName } from "../../platform/topology.ts";
import { type Launchers, prepareLaunchers } from "../../scripts/start/launchers.ts";
import { pgliteTemplate, pgliteTemplateSaved } from "../../subgraphs/kit/pglite-template.ts";
import { testEnv } from "./config.ts";
import { freePort } from "./ports.ts";
import { dropFreshDatabase, freshDatabaseUrl } from "./postgres-server.ts";

export type PartName = "broker" | SubgraphName | "gateway";

/** In start order: the broker before anyone produces, the gateway once its subgraphs answer. */
export const PART_NAMES: readonly PartName[] = ["broker", ...SUBGRAPH_NAMES, "gateway"];

export interface ProcessStackOptions {
  /** A Postgres server for the subgraphs' databases; PGlite files in a temporary directory otherwise. */
  databaseServer?: string;
  /** Extra environment for every part. */
  env?: Record<string, string>;
  /** How long one part may take to start. */
  startTimeoutMs?: number;
}

export interface ProcessStack {
  /** The gateway's /graphql. */
  url: string;
  wsUrl: string;
  sseUrl: string;
  brokers: string[];
  /** SIGKILL: no shutdown hook runs, as when the machine loses the process. */
  kill(part: PartName): Promise<void>;
  /** Starts a killed part again on the same port and data, and waits until it serves. */
  start(part: PartName): Promise<void>;
  killAll(): Promise<void>;
  startAll(): Promise<void>;
  /** Kills everything and removes the data. */
  stop(): Promise<void>;
}

const BROKER_SCRIPT = fileURLToPath(new URL("../../events/broker/cli.ts", import.meta.url));
const SUPERGRAPH = fileURLToPath(new URL("../../schemas/supergraph.graphql", import.meta.url));

/** Resolves when `started` says so, rejects when the child exits first or the time is up. */
function untilStarted(
  part: PartName,
  child: ChildProcess,
  timeoutMs: number,
  started: (done: () => void) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null) =>
      finish(new Error(`${part} exited with ${signal ?? code} while starting`));
    const timer = setTimeout(
      () => finish(new Error(`${part} did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    function finish(error?: Error) {
      clearTimeout(timer);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve();
    }
    child.once("exit", onExit);
    started(() => finish());
  });
}

export async function startProcessStack(options: ProcessStackOptions = {}): Promise<ProcessStack> {
  const timeoutMs = options.startTimeoutMs ?? 90_000;
  const dataDir = mkdtempSync(join(tmpdir(), "tributary-processes-"));
  // Compiled once, as `npm start` runs its parts: much faster to start than through tsx, again and again.
  const launchers: Launchers = await prepareLaunchers(PROJECT_ROOT, () => {});
  const ports = new Map<PartName, number>();
  for (const part of PART_NAMES) ports.set(part, await freePort());
  const brokers = [`127.0.0.1:${ports.get("broker")}`];
  const databases = new Map<SubgraphName, string>();
  if (options.databaseServer)
    for (const name of SUBGRAPH_NAMES) databases.set(name, freshDatabaseUrl(`chaos_${name}`));
  else if (!pgliteTemplateSaved()) await pgliteTemplate();

  const { DATABASE_URL: _shared, ...inherited } = process.env;
  const common = {
    ...inherited,
    ...testEnv({ ...options.env, HOST: "127.0.0.1", DATA_DIR: dataDir, KAFKA_BROKERS: brokers.join(",") }),
  };
  const subgraphUrl = (name: SubgraphName) => `http://127.0.0.1:${ports.get(name)}/graphql`;
  const gatewayUrl = `http://127.0.0.1:${ports.get("gateway")}/graphql`;
  const children = new Map<PartName, ChildProcess>();
  let topicsMade = false;

  async function startBrokerProcess(): Promise<void> {
    const child = fork(
      BROKER_SCRIPT,
      ["--port", String(ports.get("broker")), "--data-dir", join(dataDir, "broker")],
      {
        cwd: PROJECT_ROOT,
        env: common,
        execArgv: ["--import", "tsx"],
        stdio: ["ignore", "pipe", "ignore", "ipc"],
      },
    );
    children.set("broker", child);
    await untilStarted("broker", child, timeoutMs, (done) =>
      child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("listening") && done()),
    );
    child.stdout!.resume();
    if (topicsMade) return;
    // As `npm start` does: every topic exists before any producer, consumer or gateway starts.
    await ensureTopics(createKafka({ brokers, clientId: "tributary-test-setup" }), [
      ...ALL_TOPICS,
      ...ALL_TOPICS.map(dlqTopic),
    ]);
    topicsMade = true;
  }

  async function startSubgraphProcess(name: SubgraphName): Promise<void> {
    const own = databases.get(name);
    const env = {
      ...common,
      [`${name.toUpperCase()}_PORT`]: String(ports.get(name)),
      ...(own ? { [`${name.toUpperCase()}_DATABASE_URL`]: own } : {}),
    };
    const child = fork(resolve(PROJECT_ROOT, launchers.subgraph.script), [name], {
      cwd: PROJECT_ROOT,
      env,
      execArgv: launchers.subgraph.execArgv,
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    children.set(name, child);
    await untilStarted(name, child, timeoutMs, (done) =>
      child.on("message", (message) => (message as { type?: string }).type === "ready" && done()),
    );
  }

  async function startGatewayProcess(): Promise<void> {
    const env = {
      ...common,
      GATEWAY_HOST: "127.0.0.1",
      GATEWAY_PORT: String(ports.get("gateway")),
      SUPERGRAPH_PATH: SUPERGRAPH,
      SUPERGRAPH_WATCH: "false",
      SUBGRAPH_URLS: SUBGRAPH_NAMES.map((name) => `${name}=${subgraphUrl(name)}`).join(","),
      RATE_LIMIT_ENABLED: "false",
      KAFKA_TOPIC_REFRESH_MS: "300",
      READY_CACHE_MS: "0",
    };
    const child = fork(resolve(PROJECT_ROOT, launchers.gateway.script), [], {
      cwd: PROJECT_ROOT,
      env,
      execArgv: launchers.gateway.execArgv,
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    children.set("gateway", child);
    const readyUrl = new URL("/ready", gatewayUrl);
    // /ready: every subgraph answers and the event consumer is joined and positioned.
    await untilStarted("gateway", child, timeoutMs, (done) => {
      void (async () => {
        while (child.exitCode === null && child.signalCode === null) {
          const ok = await fetch(readyUrl).then(
            (r) => r.body?.cancel().then(() => r.ok),
            () => false,
          );
          if (ok) return done();
          await sleep(100);
        }
      })();
    });
  }

  async function start(part: PartName): Promise<void> {
    if (part === "broker") return startBrokerProcess();
    if (part === "gateway") return startGatewayProcess();
    return startSubgraphProcess(part);
  }

  async function kill(part: PartName): Promise<void> {
    const child = children.get(part);
    children.delete(part);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  async function startAll(): Promise<void> {
    await startBrokerProcess();
    // One at a time: PGlite start-up is CPU-bound, and parallel starts only interleave it.
    for (const name of SUBGRAPH_NAMES) await startSubgraphProcess(name);
    await startGatewayProcess();
  }

  const stack: ProcessStack = {
    url: gatewayUrl,
    wsUrl: gatewayUrl.replace(/^http/, "ws"),
    sseUrl: `${gatewayUrl}/stream`,
    brokers,
    kill,
    start,
    startAll,
    killAll: async () => {
      await Promise.all(PART_NAMES.map(kill));
    },
    async stop() {
      await stack.killAll();
      await Promise.all([...databases.values()].map((url) => dropFreshDatabase(url).catch(() => {})));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await startAll();
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
}

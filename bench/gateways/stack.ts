// What every gateway is measured against: the embedded broker and the six subgraphs (each its own process on
// the shared core, PGlite in a temp dir, as `npm start` runs them), seeded once through Tributary's gateway.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SUBGRAPH_NAMES, type SubgraphName } from "../../platform/topology.ts";
import { request } from "../../scripts/seed/client.ts";
import { DEMO_PASSWORD, demoUser, seed } from "../../scripts/seed/demo.ts";
import { pgliteTemplate } from "../../subgraphs/kit/pglite-template.ts";
import { startBenchBroker } from "./bench-broker.ts";
import {
  freePort,
  type PinnedProcess,
  REST_CORE,
  startPinned,
  stopProcess,
  treeCpuMs,
  waitUntilAnswering,
} from "./processes.ts";
import type { Fixture } from "./shapes.ts";

/** An idle subgraph still uses some CPU (Kafka long-polls, the outbox relay, metrics): idle means below this. */
const IDLE_CPU_MS_PER_SUBGRAPH_SECOND = 30;
const IDLE_TIMEOUT_MS = 120_000;

/** 4 customers with 50 orders each: `myOrders(perPage: 50)` returns a full page. */
const SEED_SIZE = { users: 4, products: 20, articles: 12, posts: 24, orders: 200 };

export interface Stack {
  /** Environment every process of the run shares (secret, broker, admin password). */
  env: Record<string, string>;
  subgraphUrls: Record<SubgraphName, string>;
  workDir: string;
  /** Throws, with its last output, if a subgraph has exited: numbers measured without it mean nothing. */
  assertAlive(): void;
  /**
   * Resolves once the subgraphs have worked off what seeding set in motion (the order saga, projections,
   * the outbox): a second in which each stayed under the idle threshold, or after 120 s. Without it the
   * first target of round 1 would be measured against subgraphs still busy with the seeded orders' events.
   */
  waitUntilIdle(): Promise<{ waitedMs: number; settled: boolean }>;
  stop(): Promise<void>;
}

/** `profiled` subgraphs run with `--cpu-prof`, each into a directory named after it (`cpuProfDir/feed/`). */
export async function startStack(
  options: { cpuProfDir?: string; profiled?: Set<string> } = {},
): Promise<Stack> {
  const workDir = mkdtempSync(join(tmpdir(), "tributary-bench-"));
  await pgliteTemplate();
  const { broker, env } = await startBenchBroker(workDir, "bench-gateways");
  const subgraphs: PinnedProcess[] = [];
  const subgraphUrls = {} as Record<SubgraphName, string>;
  const stop = async () => {
    await Promise.all(subgraphs.map((p) => stopProcess(p)));
    await broker.stop();
    rmSync(workDir, { recursive: true, force: true });
  };
  const profiling = (name: string) =>
    options.cpuProfDir && options.profiled?.has(name)
      ? ["--cpu-prof", `--cpu-prof-dir=${join(options.cpuProfDir, name)}`]
      : [];
  try {
    for (const name of SUBGRAPH_NAMES) {
      const port = await freePort();
      subgraphUrls[name] = `http://127.0.0.1:${port}/graphql`;
      subgraphs.push(
        startPinned(
          name,
          REST_CORE,
          [process.execPath, ...profiling(name), "--import", "tsx", "scripts/subgraph.ts", name],
          {
            ...env,
            HOST: "127.0.0.1",
            [`${name.toUpperCase()}_PORT`]: String(port),
            DATA_DIR: workDir,
            LOG_LEVEL: "warn",
          },
        ),
      );
    }
    await Promise.all(
      subgraphs.map((p, i) =>
        waitUntilAnswering(subgraphUrls[SUBGRAPH_NAMES[i]!].replace("/graphql", "/health"), p),
      ),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const assertAlive = () => {
    const dead = subgraphs.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    if (dead) {
      const how = dead.child.signalCode ?? `code ${dead.child.exitCode}`;
      throw new Error(`subgraph ${dead.name} exited (${how}):\n${dead.output()}`);
    }
  };
  const waitUntilIdle = async () => {
    const started = Date.now();
    const cpu = () => subgraphs.reduce((sum, p) => sum + treeCpuMs(p.child.pid!), 0);
    while (Date.now() - started < IDLE_TIMEOUT_MS) {
      const before = cpu();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (cpu() - before < IDLE_CPU_MS_PER_SUBGRAPH_SECOND * subgraphs.length)
        return { waitedMs: Date.now() - started, settled: true };
    }
    return { waitedMs: Date.now() - started, settled: false };
  };
  return { env, subgraphUrls, workDir, assertAlive, waitUntilIdle, stop };
}

/**
 * Seeds through a running gateway, then signs in as every customer and lists their orders; the fixed
 * shapes use the first customer and their first order, `--vary-inputs` all of them.
 */
export async function seedAndSignIn(gatewayUrl: string, env: Record<string, string>): Promise<Fixture> {
  console.log(`[bench] ${await seed(gatewayUrl, env, SEED_SIZE)}`);
  const customers: Fixture["customers"] = [];
  for (let i = 0; i < SEED_SIZE.users; i++) {
    const { email } = demoUser(i);
    const { login } = await request<{ login: { token: string } }>(
      gatewayUrl,
      "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
      { e: email, p: DEMO_PASSWORD },
    );
    const { myOrders } = await request<{ myOrders: { items: { id: string }[] } }>(
      gatewayUrl,
      "{ myOrders(perPage: 50) { items { id } } }",
      {},
      login.token,
    );
    if (myOrders.items.length < 50)
      throw new Error(`customer ${email} has ${myOrders.items.length} orders, not 50`);
    customers.push({ authorization: `Bearer ${login.token}`, orderIds: myOrders.items.map((o) => o.id) });
  }
  const [first] = customers;
  return { authorization: first!.authorization, orderId: first!.orderIds[0]!, customers };
}

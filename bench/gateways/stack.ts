// What every gateway is measured against: the embedded broker and the six subgraphs (each its own process on
// the shared core, PGlite in a temp dir, as `npm start` runs them), seeded once through Tributary's gateway.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SUBGRAPH_NAMES, type SubgraphName } from "../../platform/topology.ts";
import { request } from "../../scripts/seed/client.ts";
import { DEMO_PASSWORD, demoUser, type SeedSize, seed } from "../../scripts/seed/demo.ts";
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
/** Six subgraphs start at once on one shared core: on a loaded machine that takes minutes. */
const START_TIMEOUT_MS = 300_000;

/**
 * Standard run: 4 customers with 50 orders each, so `myOrders(perPage: 50)` returns a full page. Varied run
 * (`--vary-inputs`): enough customers, orders and products that 50 concurrent requests rarely repeat one
 * another: 200 customers with 5 orders each over 200 products, an article and a post per customer.
 */
export const SEED_SIZES = {
  standard: { users: 4, products: 20, articles: 12, posts: 24, orders: 200 },
  varied: { users: 200, products: 200, articles: 200, posts: 200, orders: 1_000 },
} satisfies Record<string, SeedSize>;

export interface Stack {
  /** Environment every process of the run shares (secret, broker, admin password). */
  env: Record<string, string>;
  subgraphUrls: Record<SubgraphName, string>;
  workDir: string;
  /** Throws, with its last output, if a subgraph has exited: numbers measured without it mean nothing. */
  assertAlive(): void;
  /**
   * Resolves once the subgraphs have worked off what seeding set in motion (the order saga, projections,
   * the outbox): a second in which each used under 3 % of a core on average, or after 120 s, so that the
   * first target of round 1 does not meet subgraphs still busy with the seeded orders' events.
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
        waitUntilAnswering(
          subgraphUrls[SUBGRAPH_NAMES[i]!].replace("/graphql", "/health"),
          p,
          START_TIMEOUT_MS,
        ),
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

/** Runs `work` for 0..count-1 with at most `lanes` in flight. */
async function inLanes(count: number, lanes: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

async function productIds(gatewayUrl: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ids.length < count; page++) {
    const { products } = await request<{ products: { items: { id: string }[] } }>(
      gatewayUrl,
      "query($page: Int!) { products(page: $page, perPage: 100) { items { id } } }",
      { page },
    );
    if (products.items.length === 0) break;
    ids.push(...products.items.map((p) => p.id));
  }
  return ids;
}

/**
 * Seeds through a running gateway, then signs in as every customer and lists their orders; the fixed
 * shapes use the first customer and their first order, `--vary-inputs` all of them.
 */
export async function seedAndSignIn(
  gatewayUrl: string,
  env: Record<string, string>,
  size: SeedSize,
): Promise<Fixture> {
  console.log(`[bench] ${await seed(gatewayUrl, env, size)}`);
  const ordersEach = Math.floor(size.orders / size.users);
  const customers: Fixture["customers"] = [];
  await inLanes(size.users, 4, async (i) => {
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
    if (myOrders.items.length < ordersEach)
      throw new Error(`customer ${email} has ${myOrders.items.length} orders, not ${ordersEach}`);
    customers[i] = { authorization: `Bearer ${login.token}`, orderIds: myOrders.items.map((o) => o.id) };
  });
  const { login: admin } = await request<{ login: { token: string } }>(
    gatewayUrl,
    "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
    { e: env.ADMIN_EMAIL ?? "admin@tributary.dev", p: env.ADMIN_PASSWORD },
  );
  const [first] = customers;
  return {
    authorization: first!.authorization,
    orderId: first!.orderIds[0]!,
    customers,
    adminAuthorization: `Bearer ${admin.token}`,
    productIds: await productIds(gatewayUrl, size.products),
  };
}

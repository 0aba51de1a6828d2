// What every gateway is measured against: the embedded broker and the six subgraphs (each its own process on
// the shared core, PGlite in a temp dir, as `npm start` runs them), seeded once through Tributary's gateway.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SUBGRAPH_NAMES, type SubgraphName } from "../../platform/topology.ts";
import { request } from "../../scripts/seed/client.ts";
import { FIRST_NAMES, LAST_NAMES } from "../../scripts/seed/data.ts";
import { DEMO_PASSWORD, seed } from "../../scripts/seed/demo.ts";
import { pgliteTemplate } from "../../subgraphs/kit/pglite-template.ts";
import { startBenchBroker } from "./bench-broker.ts";
import {
  freePort,
  type PinnedProcess,
  REST_CORE,
  startPinned,
  stopProcess,
  waitUntilAnswering,
} from "./processes.ts";
import type { Fixture } from "./shapes.ts";

/** 4 customers with 50 orders each: `myOrders(perPage: 50)` returns a full page. */
const SEED_SIZE = { users: 4, products: 20, articles: 12, posts: 24, orders: 200 };

export interface Stack {
  /** Environment every process of the run shares (secret, broker, admin password). */
  env: Record<string, string>;
  subgraphUrls: Record<SubgraphName, string>;
  workDir: string;
  /** Throws, with its last output, if a subgraph has exited: numbers measured without it mean nothing. */
  assertAlive(): void;
  stop(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
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
  try {
    for (const name of SUBGRAPH_NAMES) {
      const port = await freePort();
      subgraphUrls[name] = `http://127.0.0.1:${port}/graphql`;
      subgraphs.push(
        startPinned(name, REST_CORE, [process.execPath, "--import", "tsx", "scripts/subgraph.ts", name], {
          ...env,
          HOST: "127.0.0.1",
          [`${name.toUpperCase()}_PORT`]: String(port),
          DATA_DIR: workDir,
          LOG_LEVEL: "warn",
        }),
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
  return { env, subgraphUrls, workDir, assertAlive, stop };
}

/** Seeds through a running gateway, then signs in as the first customer and picks one of their orders. */
export async function seedAndSignIn(gatewayUrl: string, env: Record<string, string>): Promise<Fixture> {
  console.log(`[bench] ${await seed(gatewayUrl, env, SEED_SIZE)}`);
  const email = `${FIRST_NAMES[0]}.${LAST_NAMES[0]}@example.com`.toLowerCase();
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
  if (myOrders.items.length < 50) throw new Error(`the customer has ${myOrders.items.length} orders, not 50`);
  return { authorization: `Bearer ${login.token}`, orderId: myOrders.items[0]!.id };
}

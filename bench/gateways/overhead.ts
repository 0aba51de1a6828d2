// Gateway overhead on the join at low load: one request at a time through a gateway, against the same work
// done by calling the subgraphs directly the way the query plan does (orders, then the three entity fetches
// in parallel). The two alternate, one join through the gateway, then one set of direct calls, so both see
// the same moment of a shared machine; the overhead is the median of the pairs' differences. Both sides use
// the same client (the gateway's keep-alive node:http subgraph client), so the client's own cost cancels
// out; the direct calls are made from the gateway's core (overhead-worker.ts), so they pay what a gateway
// pays to reach the subgraphs.
import { spawn } from "node:child_process";
import { createSubgraphHttp } from "../../gateway/supergraph/subgraph-http.ts";
import { GATEWAY_SECRET_HEADER } from "../../platform/auth/gateway-secret.ts";
import { GATEWAY_CORE, ROOT } from "./processes.ts";
import { type Fixture, requestBody, requestHeaders, SHAPES } from "./shapes.ts";
import { median } from "./stats.ts";

const ITERATIONS = 300;
const WARMUP = 50;

interface GraphQLAnswer {
  data?: Record<string, unknown>;
  errors?: unknown[];
}

const subgraphHttp = createSubgraphHttp();

async function post(url: string, headers: Record<string, string>, body: string): Promise<GraphQLAnswer> {
  const reply = await subgraphHttp.post(url, headers, body);
  const answer = JSON.parse(reply.body) as GraphQLAnswer;
  if (reply.status !== 200 || answer.errors) throw new Error(`${url} answered ${reply.body}`);
  return answer;
}

const join = SHAPES.find((s) => s.name === "join")!;

const ORDER_FETCH =
  "query($id: ID!) { order(id: $id) { id customer { __typename id } items { quantity product { __typename id } } } }";
const entities = (fragment: string) =>
  `query($representations: [_Any!]!) { _entities(representations: $representations) { ${fragment} } }`;

interface OrderFetch {
  order: {
    customer: { __typename: string; id: string };
    items: { product: { __typename: string; id: string } }[];
  };
}

/** The join's work done straight against the subgraphs, once per call (overhead-worker.ts runs it). */
export function directJoin(
  subgraphUrls: Record<string, string>,
  fixture: Fixture,
  gatewaySecret: string,
): () => Promise<void> {
  // Subgraphs in production answer only the holder of GATEWAY_SECRET: the direct calls stand where a gateway does.
  const headers = { ...requestHeaders(join, fixture), [GATEWAY_SECRET_HEADER]: gatewaySecret };
  const send = (subgraph: string, query: string, variables: Record<string, unknown>) =>
    post(subgraphUrls[subgraph]!, headers, JSON.stringify({ query, variables }));
  return async () => {
    const { data } = await send("orders", ORDER_FETCH, { id: fixture.orderId });
    const { order } = data as unknown as OrderFetch;
    const products = order.items.map((item) => item.product);
    await Promise.all([
      send("accounts", entities("... on User { name }"), { representations: [order.customer] }),
      send("catalog", entities("... on Product { name }"), { representations: products }),
      send("inventory", entities("... on Product { stock }"), { representations: products }),
    ]);
  };
}

/**
 * The direct calls, made from the gateway's core by a worker: made from the subgraphs' busy core, they
 * waited for that core and came out slower than the gateways, giving negative overheads.
 */
async function startDirectWorker(
  subgraphUrls: Record<string, string>,
  fixture: Fixture,
  gatewaySecret: string,
) {
  const worker = "bench/gateways/overhead-worker.ts";
  // Only the one order and its token travel: every customer's (--vary-inputs) would not fit in an argument.
  const input = JSON.stringify({
    subgraphUrls,
    fixture: { ...fixture, customers: [], productIds: [] },
    gatewaySecret,
  });
  const child = spawn("taskset", ["-c", GATEWAY_CORE, process.execPath, "--import", "tsx", worker, input], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("message", () => resolve());
    child.once("exit", (code) => reject(new Error(`the direct-calls worker exited (${code})`)));
  });
  return {
    /** Runs the direct calls once in the worker; their duration there, in ms. */
    time: () =>
      new Promise<number>((resolve) => {
        child.once("message", (answer: { ms: number }) => resolve(answer.ms));
        child.send("join");
      }),
    stop: () => void child.kill(),
  };
}

export interface LowLoadJoin {
  /** Median ms of one join through the gateway. */
  gateway: number;
  /** Median ms of the same work called directly, alternating with the gateway's joins. */
  direct: number;
  /** Median of (gateway - direct) over the pairs: what the gateway adds. */
  overhead: number;
  /** Joins the gateway answered with an error (their pairs are left out); a run with any says so. */
  failed: number;
}

/** Alternates one join through the gateway and one set of direct calls, WARMUP times, then ITERATIONS times. */
export async function joinAtLowLoad(
  gatewayUrl: string,
  subgraphUrls: Record<string, string>,
  fixture: Fixture,
  gatewaySecret: string,
): Promise<LowLoadJoin> {
  const headers = requestHeaders(join, fixture);
  const body = requestBody(join, fixture);
  const direct = await startDirectWorker(subgraphUrls, fixture, gatewaySecret);
  try {
    let failed = 0;
    // A failed join (bare Apollo's client has answered "socket hang up" when a subgraph closed an idle
    // keep-alive socket under it) is counted and its pair dropped: one error must not end a 20-minute run.
    const pair = async () => {
      const started = performance.now();
      try {
        await post(gatewayUrl, headers, body);
      } catch (error) {
        if (++failed === 1) console.warn(`[bench] a join at low load failed: ${(error as Error).message}`);
        return undefined;
      }
      const through = performance.now() - started;
      return { through, direct: await direct.time() };
    };
    for (let i = 0; i < WARMUP; i++) await pair();
    failed = 0;
    const pairs = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const measured = await pair();
      if (measured) pairs.push(measured);
    }
    if (pairs.length === 0) throw new Error(`every join at low load through ${gatewayUrl} failed`);
    return {
      gateway: median(pairs.map((p) => p.through)),
      direct: median(pairs.map((p) => p.direct)),
      overhead: median(pairs.map((p) => p.through - p.direct)),
      failed,
    };
  } finally {
    direct.stop();
  }
}

// Gateway overhead on the join at low load: one request at a time through a gateway, against the same work
// done by calling the subgraphs directly the way the query plan does (orders, then the three entity fetches
// in parallel). The difference of the medians is what the gateway adds. Both sides use the same client
// (the gateway's keep-alive node:http subgraph client), so the client's own cost cancels out; the direct
// calls are made from the gateway's core (overhead-worker.ts), so they pay what a gateway pays to reach
// the subgraphs.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createSubgraphHttp } from "../../gateway/supergraph/subgraph-http.ts";
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

async function medianMs(work: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await work();
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return median(times);
}

const join = SHAPES.find((s) => s.name === "join")!;

export function joinThroughGateway(gatewayUrl: string, fixture: Fixture): Promise<number> {
  const headers = requestHeaders(join, fixture);
  const body = requestBody(join, fixture);
  return medianMs(() => post(gatewayUrl, headers, body));
}

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

/** Runs in this process; see joinDirectFromGatewayCore for the measurement the report uses. */
export function joinDirect(subgraphUrls: Record<string, string>, fixture: Fixture): Promise<number> {
  const headers = requestHeaders(join, fixture);
  const send = (subgraph: string, query: string, variables: Record<string, unknown>) =>
    post(subgraphUrls[subgraph]!, headers, JSON.stringify({ query, variables }));
  return medianMs(async () => {
    const { data } = await send("orders", ORDER_FETCH, { id: fixture.orderId });
    const { order } = data as unknown as OrderFetch;
    const products = order.items.map((item) => item.product);
    await Promise.all([
      send("accounts", entities("... on User { name }"), { representations: [order.customer] }),
      send("catalog", entities("... on Product { name }"), { representations: products }),
      send("inventory", entities("... on Product { stock }"), { representations: products }),
    ]);
  });
}

const run = promisify(execFile);

/**
 * The direct calls made from the gateway's core (no gateway runs then): made from the subgraphs' busy core,
 * as before, they waited for that core and came out slower than the gateways, giving negative overheads.
 */
export async function joinDirectFromGatewayCore(
  subgraphUrls: Record<string, string>,
  fixture: Fixture,
): Promise<number> {
  const worker = "bench/gateways/overhead-worker.ts";
  const input = JSON.stringify({ subgraphUrls, fixture });
  const { stdout } = await run(
    "taskset",
    ["-c", GATEWAY_CORE, process.execPath, "--import", "tsx", worker, input],
    { cwd: ROOT },
  );
  return Number(stdout.trim().split("\n").at(-1));
}

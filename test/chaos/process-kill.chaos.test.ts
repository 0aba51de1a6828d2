// Chaos: every process of the stack, then the whole stack at once, is killed with SIGKILL in the middle of a
// burst of mutations of every domain, and restarted on the same data. Subscribers live and resumed with their
// cursor, over graphql-ws and SSE, must get every event exactly once, in publish order per entity, and every
// subgraph's state read back through the gateway must equal the acknowledged writes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep } from "../../events/backoff.ts";
import { eventually } from "../../events/testing/wait.ts";
import { expectData } from "../support/graphql.ts";
import { orderSteps } from "../support/orders.ts";
import { PART_NAMES, type PartName, type ProcessStack, startProcessStack } from "../support/process-stack.ts";
import { tokenFor } from "../support/tokens.ts";
import { caughtUp, expectations, type Tally, tally } from "./deliveries.ts";
import { distinctEvents, readState, type Scope, type State, stateMismatches } from "./state.ts";
import { type ChaosSubscriber, openSubscriptions, subscribersFor } from "./subscribers.ts";
import { type Actor, startBurst } from "./workload.ts";

/** Mutations per domain in each burst. */
const BURST = 10;
/** The kill comes once this many mutations of the burst were acknowledged. */
const KILL_AFTER = 15;
const ORDER_STOCK = 1_000;
/** One process killed and restarted; the whole stack restarts part after part, so it gets longer. */
const SCENARIO_TIMEOUT_MS = 300_000;
const WHOLE_STACK_TIMEOUT_MS = 420_000;

let stack: ProcessStack;
let subscribers: ChaosSubscriber[] = [];
const admin: Actor = tokenFor(["ADMIN"]);
let customer: Actor;
const rows: (Tally & { scenario: string; acknowledged: number; mismatches: number })[] = [];

beforeAll(async () => {
  stack = await startProcessStack({
    databaseServer: process.env.DATABASE_URL,
    // A killed subgraph's old member holds its partitions this long: the bound on each scenario's wait.
    env: { CONSUMER_SESSION_TIMEOUT_MS: "10000" },
  });
  const { register } = await expectData<{ register: { token: string; user: { id: string } } }>(
    stack.url,
    `mutation($input: RegisterInput!) { register(input: $input) { token user { id } } }`,
    {
      input: {
        email: `customer-${Date.now()}@chaos.test`,
        password: "chaos-password",
        name: "Chaos Customer",
      },
    },
  );
  customer = { id: register.user.id, token: register.token };
  const as = (actor: Actor) => `Bearer ${actor.token}`;
  subscribers = subscribersFor(
    [
      {
        field: "stockChanged",
        query: `subscription($after: String) { stockChanged(after: $after) { id stock } }`,
        authorization: as(admin),
      },
      {
        field: "orderStatusChanged",
        query: `subscription($after: String) { orderStatusChanged(after: $after) { id status } }`,
        authorization: as(admin),
      },
      {
        field: "articlePublished",
        query: `subscription($after: String) { articlePublished(after: $after) { id title } }`,
        authorization: as(customer),
      },
      {
        field: "postPublished",
        query: `subscription($after: String) { postPublished(after: $after) { id message } }`,
        authorization: as(customer),
      },
      {
        field: "notificationReceived",
        query: `subscription($after: String) { notificationReceived(after: $after) {
          id kind message order { id } actor { id } } }`,
        authorization: as(customer),
      },
    ],
    stack,
  );
  for (const subscriber of subscribers) subscriber.resume();
  await eventually(async () => (await openSubscriptions(stack.url)) >= subscribers.length, 60_000);
  await warmUp();
}, 600_000);

afterAll(async () => {
  for (const subscriber of subscribers) subscriber.pause();
  await stack?.stop();
  const header = [
    "scenario",
    "mutations acknowledged",
    "events delivered",
    "duplicates",
    "losses",
    "out of order",
    "state mismatches",
  ];
  const lines = rows.map((r) =>
    [r.scenario, r.acknowledged, r.delivered, r.duplicates, r.losses, r.outOfOrder, r.mismatches].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const format = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  console.log(
    [
      `chaos (${process.env.DATABASE_URL ? "Postgres" : "PGlite"})`,
      format(header),
      format(widths.map((w) => "-".repeat(w))),
      ...lines.map(format),
    ].join("\n"),
  );
}, 60_000);

/**
 * One event of every subscription field before the first kill, so every subscriber holds a cursor to resume
 * from when it is first cut off.
 */
async function warmUp(): Promise<void> {
  const steps = orderSteps(() => stack.url, admin.token);
  const product = await steps.stockedProduct(10);
  await steps.knownToOrders(product);
  await steps.place(customer.token, [{ productId: product, quantity: 1 }]);
  const { createArticle } = await expectData<{ createArticle: { id: string } }>(
    stack.url,
    `mutation { createArticle(input: { title: "warm-up", content: "First.", category: "chaos" }) { id } }`,
    {},
    customer.token,
  );
  await expectData(
    stack.url,
    `mutation($id: ID!) { publishArticle(id: $id) { id } }`,
    { id: createArticle.id },
    customer.token,
  );
  await expectData(stack.url, `mutation { publishPost(message: "warm-up") { id } }`, {}, customer.token);
  await eventually(async () => subscribers.every((s) => s.deliveries.some((d) => d.cursor)), 120_000);
}

/** One burst with `victims` killed in its middle, then everything compared. */
async function scenario(
  name: string,
  index: number,
  victims: readonly PartName[],
  timeoutMs = SCENARIO_TIMEOUT_MS,
): Promise<void> {
  const prefix = `chaos-${index}`;
  const steps = orderSteps(() => stack.url, admin.token);
  const orderProduct = { id: await steps.stockedProduct(ORDER_STOCK), onHand: ORDER_STOCK };
  await steps.knownToOrders(orderProduct.id);
  const scope: Scope = { url: stack.url, brokers: stack.brokers, prefix, admin, customer, orderProduct };

  const burst = startBurst({
    url: stack.url,
    prefix,
    admin,
    customer,
    orderProduct: orderProduct.id,
    size: BURST,
    deadlineMs: timeoutMs - 90_000,
  });
  void burst.done.catch(() => {});
  await Promise.race([
    eventually(async () => burst.ledger.acknowledged >= KILL_AFTER, 120_000, 20),
    burst.done,
  ]);
  const resumed = subscribers.filter((s) => s.mode === "resumed");
  for (const subscriber of resumed) subscriber.pause();
  await Promise.all(victims.map((part) => stack.kill(part)));
  // In start order, each on its own port and data, while the burst keeps retrying.
  for (const part of PART_NAMES.filter((p) => victims.includes(p))) await stack.start(part);
  await burst.done;
  for (const subscriber of resumed) subscriber.resume();

  const { ledger } = burst;
  let state: State | undefined;
  let mismatches: string[] = [];
  // Sagas and notifications settle through events after the last answer.
  await eventually(
    async () => {
      state = await readState(scope, ledger);
      mismatches = stateMismatches(scope, ledger, state);
      return mismatches.length === 0;
    },
    60_000,
    500,
  ).catch(() => {});
  const events = {
    stock: await distinctEvents(stack.brokers, "inventory.stock.changed"),
    orders: await distinctEvents(stack.brokers, "orders.order.status-changed"),
  };
  const expected = expectations(scope, ledger, state!, events);
  for (const order of state!.orders) {
    const want = ["PENDING", "CONFIRMED", "PAID", "SHIPPED"].indexOf(order.status) + 1;
    if (events.orders.get(order.id) !== want)
      mismatches.push(`order ${order.id}: ${events.orders.get(order.id)} events for ${order.status}`);
  }
  await eventually(
    async () => subscribers.every((s) => caughtUp(s, expected[s.spec.field]!)),
    60_000,
    200,
  ).catch(() => {});
  // A copy would come right behind its original: give it time to show.
  await sleep(1_500);

  const tallies = subscribers.map((s) => ({
    name: s.name,
    ...tally(s, expected[s.spec.field]!),
    errors: s.errors,
  }));
  const sum = (key: keyof Tally) => tallies.reduce((total, t) => total + t[key], 0);
  rows.push({
    scenario: name,
    acknowledged: ledger.acknowledged,
    delivered: sum("delivered"),
    duplicates: sum("duplicates"),
    losses: sum("losses"),
    outOfOrder: sum("outOfOrder"),
    mismatches: mismatches.length,
  });
  expect(mismatches).toEqual([]);
  expect(tallies.filter((t) => t.duplicates || t.losses || t.outOfOrder || t.errors.length)).toEqual([]);
  expect(subscribers.flatMap((s) => s.errors.map((e) => `${s.name}: ${e}`))).toEqual([]);
  // Every subscription field heard of this burst: the comparison compared something.
  expect(tallies.every((t) => t.delivered > 0)).toBe(true);
}

describe("kill -9 during a burst of mutations of every domain, restart on the same data", () => {
  PART_NAMES.forEach((part, i) => {
    it(`kill ${part}`, () => scenario(`kill ${part}`, i, [part]), SCENARIO_TIMEOUT_MS);
  });
  it(
    "kill the whole stack",
    () => scenario("kill the whole stack", PART_NAMES.length, PART_NAMES, WHOLE_STACK_TIMEOUT_MS),
    WHOLE_STACK_TIMEOUT_MS,
  );
});

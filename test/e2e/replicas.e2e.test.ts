// Two replicas of every subgraph and two gateways, as a cluster runs them: each subgraph's replicas share one
// database on the machine's Postgres and one consumer group on the embedded broker. The groups split the
// partitions, the saga and feed's notifications come out right, and no event is applied twice.
import { type Admin, AssignerProtocol } from "kafkajs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKafka } from "../../events/kafka.ts";
import { startTestBroker, type TestBroker } from "../../events/testing/broker.ts";
import { eventually } from "../../events/testing/wait.ts";
import { TOPICS_AND_DEAD_LETTERS, Topics } from "../../events/topics.ts";
import { parseConfig } from "../../gateway/config.ts";
import { buildGateway, type Gateway } from "../../gateway/server.ts";
import { silentLogger } from "../../platform/logger.ts";
import { recordsConsumed } from "../../platform/metrics/index.ts";
import { SUBGRAPH_NAMES, type SubgraphName } from "../../platform/topology.ts";
import { type RunningSubgraph, startSubgraph } from "../../subgraphs/kit/runtime.ts";
import { loadSubgraph } from "../../subgraphs/registry.ts";
import { testEnv, testSubgraphConfig } from "../support/config.ts";
import { expectData } from "../support/graphql.ts";
import { orderSteps } from "../support/orders.ts";
import { connect, dropFreshDatabase, freshDatabaseUrl } from "../support/postgres-server.ts";
import { tokenFor } from "../support/tokens.ts";

const SUPERGRAPH = new URL("../../schemas/supergraph.graphql", import.meta.url).pathname;
/** The groups that carry this test's traffic: the saga (inventory, orders) and notifications (feed). */
const GROUPS = ["inventory", "orders", "feed"] as const;
// Keyed by order id over three partitions: with 24, a replica left without any is (2/3)^24, about 1 in 17,000.
const ORDERS = 24;

// biome-ignore lint/suspicious/noExplicitAny: repositories differ per subgraph.
type Replica = RunningSubgraph<any>;

interface Member {
  memberId: string;
  partitions: { topic: string; partition: number }[];
}

describe("two replicas of every subgraph and two gateways on one Postgres and one broker", () => {
  let broker: TestBroker;
  let admin: Admin;
  const replicas = new Map<SubgraphName, Replica[]>();
  const databases = new Map<SubgraphName, string>();
  const gateways: { gateway: Gateway; url: string }[] = [];
  const adminToken = tokenFor(["ADMIN"]).token;

  beforeAll(async () => {
    broker = await startTestBroker({ topics: TOPICS_AND_DEAD_LETTERS });
    for (const name of SUBGRAPH_NAMES) {
      const module = await loadSubgraph(name);
      const url = freshDatabaseUrl(`replicas_${name}`);
      databases.set(name, url);
      const config = { ...testSubgraphConfig(name, broker.brokers), databaseUrl: url };
      // Both at the same moment, as a Deployment's pods start: one migrates, the other waits its turn.
      replicas.set(name, await Promise.all([0, 1].map(() => startSubgraph(module, config, silentLogger))));
    }
    // Each gateway reaches the subgraphs through "its" replicas, so writes arrive at both replicas of each.
    for (const side of [0, 1]) {
      const urls = SUBGRAPH_NAMES.map((name) => `${name}=${replicas.get(name)?.[side]?.url}`).join(",");
      const config = parseConfig(
        testEnv({
          SUPERGRAPH_PATH: SUPERGRAPH,
          SUPERGRAPH_WATCH: "false",
          KAFKA_BROKERS: broker.brokers.join(","),
          SUBGRAPH_URLS: urls,
        }),
      );
      const gateway = await buildGateway(config, { logger: silentLogger });
      const { url } = await gateway.listen(0, "127.0.0.1");
      await gateway.whenConsuming();
      gateways.push({ gateway, url });
    }
    admin = createKafka({ brokers: broker.brokers, clientId: "replicas-e2e" }).admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.disconnect();
    for (const { gateway } of gateways) await gateway.stop();
    for (const pair of replicas.values()) await Promise.all(pair.map((replica) => replica.stop()));
    await broker?.stop();
    await Promise.all([...databases.values()].map((url) => dropFreshDatabase(url).catch(() => {})));
  });

  /** Who in the group holds which partitions, once the group settled with both replicas in it. */
  async function settledMembers(group: string): Promise<Member[]> {
    return eventually(async () => {
      const [described] = (await admin.describeGroups([group])).groups;
      if (described?.state !== "Stable" || described.members.length !== 2) return undefined;
      const members = described.members.map((member) => {
        const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
        const partitions = Object.entries(decoded?.assignment ?? {}).flatMap(([topic, list]) =>
          list.map((partition) => ({ topic, partition })),
        );
        return { memberId: member.memberId, partitions };
      });
      return members.every((m) => m.partitions.length > 0) ? members : undefined;
    }, 30_000);
  }

  const applied = async (group: string, topic: string) =>
    (await recordsConsumed.get()).values
      .filter((v) => v.labels.group === group && v.labels.topic === topic && v.labels.outcome === "applied")
      .reduce((sum, v) => sum + v.value, 0);

  async function processedRows(name: SubgraphName, topic: string): Promise<number> {
    const sql = connect(databases.get(name) as string);
    try {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from processed_events where topic = ${topic}`;
      return row?.n ?? -1;
    } finally {
      await sql.end({ timeout: 5 });
    }
  }

  it("splits each consumer group's partitions between the two replicas, each partition held once", async () => {
    for (const name of GROUPS) {
      const members = await settledMembers(`tributary.${name}`);
      const held = members.flatMap((m) => m.partitions.map((p) => `${p.topic}/${p.partition}`));
      expect(new Set(held).size, `${name}: a partition held by both replicas`).toBe(held.length);
      const topics = [...new Set(held.map((h) => h.split("/")[0] as string))];
      const partitions = await Promise.all(
        topics.map(async (t) => (await admin.fetchTopicOffsets(t)).length),
      );
      expect(held.length, `${name}: every partition of its topics assigned`).toBe(
        partitions.reduce((a, b) => a + b, 0),
      );
    }
  });

  it("runs the saga across replicas: every order confirmed, stock taken once, one notification per change", async () => {
    const membersBefore = new Map<string, Member[]>();
    for (const name of GROUPS) membersBefore.set(name, await settledMembers(`tributary.${name}`));
    const steps = gateways.map(({ url }) => orderSteps(() => url, adminToken));
    const [first, second] = steps as [(typeof steps)[0], (typeof steps)[0]];

    // Products made through one gateway, known to orders and stocked in inventory through the other.
    const products = [await first.stockedProduct(100, 500), await second.stockedProduct(100, 700)];
    for (const product of products) await second.knownToOrders(product);
    const customers = [tokenFor(["CUSTOMER"]), tokenFor(["CUSTOMER"])];
    const placed = await Promise.all(
      Array.from({ length: ORDERS }, (_, i) =>
        (i % 2 === 0 ? first : second).place(customers[i % 2]?.token as string, [
          { productId: products[i % 2] as string, quantity: 1 + (i % 3) },
        ]),
      ),
    );
    for (const [i, order] of placed.entries())
      await (i % 2 === 0 ? second : first).settled(order.id, "CONFIRMED");

    // Stock taken exactly once per order, whichever replica handled it.
    const taken = [0, 1].map((p) => placed.reduce((sum, _, i) => sum + (i % 2 === p ? 1 + (i % 3) : 0), 0));
    expect(await first.stockOf(products[0] as string)).toBe(100 - (taken[0] as number));
    expect(await second.stockOf(products[1] as string)).toBe(100 - (taken[1] as number));

    // feed turned each PENDING -> CONFIRMED change into exactly one notification for its customer.
    for (const [c, customer] of customers.entries()) {
      const mine = placed.filter((_, i) => i % 2 === c).map((o) => o.id);
      const notes = await eventually(async () => {
        const { notifications } = await expectData<{
          notifications: { kind: string; message: string; order: { id: string } | null }[];
        }>(
          gateways[c]?.url as string,
          `{ notifications(first: 100) { kind message order { id } } }`,
          {},
          customer.token,
        );
        const confirmed = notifications.filter(
          (n) => n.kind === "ORDER_STATUS" && n.message.endsWith("CONFIRMED."),
        );
        return confirmed.length >= mine.length ? confirmed : undefined;
      });
      expect(notes.map((n) => n.order?.id).sort()).toEqual([...mine].sort());
    }

    // No event applied twice: one processed mark and one applied count per event, over both replicas.
    await eventually(
      async () => (await processedRows("feed", Topics.OrderStatusChanged)) >= ORDERS || undefined,
    );
    expect(await processedRows("inventory", Topics.OrderPlaced)).toBe(ORDERS);
    expect(await applied("tributary.inventory", Topics.OrderPlaced)).toBe(ORDERS);
    expect(await processedRows("orders", Topics.StockReserved)).toBe(ORDERS);
    expect(await applied("tributary.orders", Topics.StockReserved)).toBe(ORDERS);
    expect(await applied("tributary.feed", Topics.OrderStatusChanged)).toBe(
      await processedRows("feed", Topics.OrderStatusChanged),
    );

    // Both replicas of each group did part of the work: each holds a partition whose events it committed.
    for (const [name, topic] of [
      ["inventory", Topics.OrderPlaced],
      ["orders", Topics.StockReserved],
      ["feed", Topics.OrderStatusChanged],
    ] as const) {
      const members = await settledMembers(`tributary.${name}`);
      expect(members.map((m) => m.memberId).sort(), `${name} rebalanced during the test`).toEqual(
        (membersBefore.get(name) ?? []).map((m) => m.memberId).sort(),
      );
      const [offsets] = await admin.fetchOffsets({ groupId: `tributary.${name}`, topics: [topic] });
      const committed = new Map(offsets?.partitions.map((p) => [p.partition, Number(p.offset)]));
      for (const member of members) {
        const mine = member.partitions.filter((p) => p.topic === topic);
        const consumed = mine.reduce((sum, p) => sum + Math.max(0, committed.get(p.partition) ?? 0), 0);
        expect(consumed, `${name}: replica ${member.memberId} consumed nothing of ${topic}`).toBeGreaterThan(
          0,
        );
      }
    }
  });

  it("keeps orders' product projection current for both replicas after one price change, applied once", async () => {
    const [first, second] = gateways.map(({ url }) => orderSteps(() => url, adminToken)) as [
      ReturnType<typeof orderSteps>,
      ReturnType<typeof orderSteps>,
    ];
    const product = await first.stockedProduct(50, 1000);
    await first.knownToOrders(product);
    await expectData(
      gateways[1]?.url as string,
      `mutation($id: ID!) { updateProduct(id: $id, input: { priceCents: 1250 }) { id } }`,
      { id: product },
      adminToken,
    );
    const customer = tokenFor(["CUSTOMER"]);
    // Through either gateway, so through either replica of orders: both read the new price from the projection.
    for (const steps of [first, second]) {
      const priced = await eventually(async () => {
        const order = await steps.place(customer.token, [{ productId: product, quantity: 2 }]);
        return order.totalCents === 2500 ? order : undefined;
      });
      expect(priced.totalCents).toBe(2500);
    }
    const updates = await processedRows("orders", Topics.ProductUpdated);
    expect(updates).toBe(1);
    expect(await applied("tributary.orders", Topics.ProductUpdated)).toBe(updates);
  });
});

// What `npm start` runs: the embedded broker (unless KAFKA_BROKERS is set), the six subgraphs and the
// gateway, each subgraph in its own process so one slow PGlite never stalls the others.
import { join } from "node:path";
import { ensureTopics } from "../../events/admin.ts";
import { type RunningBroker, startBroker } from "../../events/broker/index.ts";
import { createKafka } from "../../events/kafka.ts";
import { ALL_TOPICS, dlqTopic } from "../../events/topics.ts";
import { describeConfigError } from "../../platform/config.ts";
import { serveBrokerMetrics } from "../../platform/metrics/broker.ts";
import { defaultSubgraphPort, SUBGRAPH_NAMES } from "../../platform/topology.ts";
import { pgliteTemplate, pgliteTemplateSaved } from "../../subgraphs/kit/pglite-template.ts";
import { seedDemoData } from "../seed/demo.ts";
import { banner } from "./banner.ts";
import { parseStartConfig, type StartConfig } from "./config.ts";
import type { Launcher, PartKind } from "./launchers.ts";
import { Supervisor } from "./supervisor.ts";

/** Runs everything until Ctrl-C; `launchers` says how to fork each kind of part. */
export async function runStack(
  launchers: Record<PartKind, Launcher>,
  say: (line: string) => void,
): Promise<void> {
  let config: StartConfig;
  try {
    config = parseStartConfig(process.env);
  } catch (error) {
    console.error(`Invalid configuration:\n${describeConfigError(error)}`);
    process.exit(1);
  }

  let broker: RunningBroker | undefined;
  let kafkaBrokers = config.kafkaBrokers;
  if (!kafkaBrokers) {
    broker = await startBroker({
      port: config.brokerPort,
      host: config.host,
      dataDir: join(config.dataDir, "broker"),
    });
    kafkaBrokers = `${broker.host}:${broker.port}`;
    say(
      `embedded Kafka-compatible broker on ${kafkaBrokers} (set KAFKA_BROKERS to use Apache Kafka instead)`,
    );
    if (config.brokerMetricsPort > 0) {
      const running = broker;
      // Metrics are a convenience: a busy port is reported, never a reason to stop.
      await serveBrokerMetrics({
        stats: () => running.stats(),
        port: config.brokerMetricsPort,
        host: config.host,
      }).then(
        ({ port }) => say(`broker metrics on http://${config.host}:${port}/metrics`),
        (error: Error) =>
          say(`✖ broker metrics not served on port ${config.brokerMetricsPort}: ${error.message}`),
      );
    }
  }

  try {
    // Topics exist before anyone produces or subscribes, so no early event is missed.
    await ensureTopics(createKafka({ brokers: kafkaBrokers.split(","), clientId: "tributary-start" }), [
      ...ALL_TOPICS,
      ...ALL_TOPICS.map(dlqTopic),
    ]);
  } catch (error) {
    say(`✖ could not create the event topics on ${kafkaBrokers}: ${(error as Error).message}`);
  }

  if (!process.env.DATABASE_URL && !pgliteTemplateSaved()) {
    // Made once per machine; doing it here keeps six processes from each running initdb at the same time.
    await pgliteTemplate();
  }

  const subgraphUrl = (name: (typeof SUBGRAPH_NAMES)[number]) =>
    `http://${config.host}:${defaultSubgraphPort(name, config.gatewayPort)}`;
  const env = { ...process.env, KAFKA_BROKERS: kafkaBrokers, GATEWAY_PORT: String(config.gatewayPort) };
  const supervisor = new Supervisor(say);
  for (const name of SUBGRAPH_NAMES) {
    supervisor.start({
      name,
      ...launchers.subgraph,
      args: [name],
      env,
      healthUrl: `${subgraphUrl(name)}/health`,
    });
  }
  const gatewayUrl = `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${config.gatewayPort}`;
  supervisor.start({
    name: "gateway",
    ...launchers.gateway,
    env: {
      ...env,
      SUBGRAPH_URLS: SUBGRAPH_NAMES.map((name) => `${name}=${subgraphUrl(name)}/graphql`).join(","),
    },
    healthUrl: `${gatewayUrl}/health`,
  });

  let stopping = false;
  async function stop(code: number): Promise<never> {
    if (!stopping) {
      stopping = true;
      say("stopping…");
      await supervisor.stop();
      await broker?.stop();
    }
    process.exit(code);
  }
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  try {
    await supervisor.waitHealthy(config.startTimeoutMs);
  } catch (error) {
    say(`✖ ${(error as Error).message}`);
    await stop(1);
  }

  // From this process's own start, so compiling and loading the start script are counted too.
  const notes = [`ready in ${process.uptime().toFixed(1)} s`];
  if (config.seed) {
    try {
      notes.push(await seedDemoData(`${gatewayUrl}/graphql`, process.env));
    } catch (error) {
      say(`✖ seeding demo data failed: ${(error as Error).message}`);
    }
  }
  console.log(
    banner(
      [
        { part: "GraphQL + Sandbox", url: `${gatewayUrl}/graphql` },
        { part: "Subscriptions (ws)", url: `${gatewayUrl.replace(/^http/, "ws")}/graphql` },
        { part: "REST API reference", url: `${gatewayUrl}/docs` },
        { part: "Health / readiness", url: `${gatewayUrl}/health, ${gatewayUrl}/ready` },
        ...SUBGRAPH_NAMES.map((name) => ({ part: name, url: `${subgraphUrl(name)}/graphql` })),
        { part: "Kafka", url: kafkaBrokers },
      ],
      notes,
    ),
  );
}

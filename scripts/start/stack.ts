// What `npm start` runs: the embedded broker (unless KAFKA_BROKERS is set), the six subgraphs (in one process,
// or with SUBGRAPH_PROCESSES=separate each in its own; docs/architecture.md says what is traded) and the gateway.
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { ensureTopics } from "../../events/admin.ts";
import { type RunningBroker, startBroker } from "../../events/broker/index.ts";
import { createKafka } from "../../events/kafka.ts";
import { ALL_TOPICS, dlqTopic } from "../../events/topics.ts";
import { SEEDED_MESSAGE } from "../../gateway/seed-signal.ts";
import { DEV_ADMIN_PASSWORD, describeConfigError } from "../../platform/config.ts";
import { serveBrokerMetrics } from "../../platform/metrics/broker.ts";
import { SUBGRAPH_NAMES, type SubgraphName } from "../../platform/topology.ts";
import { pgliteTemplate, pgliteTemplateSaved } from "../../subgraphs/kit/pglite-template.ts";
import { seedDemoData } from "../seed/demo.ts";
import { banner, bannerRows, demoAccounts } from "./banner.ts";
import { parseStartConfig, type StartConfig } from "./config.ts";
import type { Launcher, PartKind } from "./launchers.ts";
import { type OutputMode, startOutput } from "./output.ts";
import { gatewayEnv, type PartEnvOptions, partEnv, subgraphUrlOf } from "./part-env.ts";
import { Supervisor } from "./supervisor.ts";

/** Runs everything until Ctrl-C; `launchers` says how to fork each kind of part. */
export async function runStack(launchers: Record<PartKind, Launcher>, mode: OutputMode): Promise<void> {
  let config: StartConfig;
  try {
    config = parseStartConfig(process.env);
  } catch (error) {
    console.error(`Invalid configuration:\n${describeConfigError(error)}`);
    process.exit(1);
  }

  const output = startOutput(mode, config.dataDir);
  const say = output.say;
  const human = mode === "human";
  let broker: RunningBroker | undefined;
  let kafkaBrokers = config.kafkaBrokers;
  if (!kafkaBrokers) {
    broker = await startBroker({
      port: config.brokerPort,
      host: config.host,
      dataDir: join(config.dataDir, "broker"),
      logger: human ? fileLogger(output, "broker") : undefined,
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

  const partOptions: PartEnvOptions = {
    kafkaBrokers,
    gatewayPort: config.gatewayPort,
    host: config.host,
    human,
    seed: config.seed,
  };
  const env = partEnv(process.env, partOptions);
  const healthOf = (name: SubgraphName) => `${subgraphUrlOf(name, partOptions)}/health`;
  const supervisor = new Supervisor(say, { capture: output.capture });
  if (config.subgraphProcesses === "shared") {
    const serves = SUBGRAPH_NAMES.map((name) => ({ name, healthUrl: healthOf(name) }));
    supervisor.start({
      name: "subgraphs",
      ...launchers.subgraphs,
      env,
      healthUrl: serves[0]!.healthUrl,
      serves,
    });
  } else {
    for (const name of SUBGRAPH_NAMES) {
      supervisor.start({ name, ...launchers.subgraph, args: [name], env, healthUrl: healthOf(name) });
    }
  }
  const gatewayUrl = `http://${config.host === "0.0.0.0" ? "localhost" : config.host}:${config.gatewayPort}`;
  supervisor.start({
    name: "gateway",
    ...launchers.gateway,
    env: gatewayEnv(process.env, partOptions),
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

  const partsStartedAt = performance.now();
  const ready = (name: string) => {
    const seconds = ((performance.now() - partsStartedAt) / 1000).toFixed(1);
    if (human) say(`✔ ${name.padEnd(9)} ready in ${seconds} s`);
    else say("part ready", { part: name, seconds: Number(seconds) });
  };
  try {
    await supervisor.waitHealthy(config.startTimeoutMs, ready);
  } catch (error) {
    say(`✖ ${(error as Error).message}`);
    await stop(1);
  }

  // From this process's own start, so compiling and loading the start script are counted too.
  const notes = [`ready in ${process.uptime().toFixed(1)} s`];
  let seeded = false;
  if (config.seed) {
    try {
      notes.push(await seedDemoData(`${gatewayUrl}/graphql`, process.env));
      seeded = true;
    } catch (error) {
      say(`✖ seeding demo data failed: ${(error as Error).message}`);
    }
    // Seeded or not, the seeding step is over: /ready stops waiting for it.
    supervisor.tell("gateway", SEEDED_MESSAGE);
  }
  const adminPassword = process.env.ADMIN_PASSWORD;
  const input = {
    gatewayUrl,
    developerTools: developerTools(process.env),
    subgraphs: SUBGRAPH_NAMES.map((name) => ({
      part: name,
      url: `${subgraphUrlOf(name, partOptions)}/graphql`,
    })),
    kafka: kafkaBrokers,
    accounts: seeded
      ? demoAccounts(
          process.env.ADMIN_EMAIL ?? "admin@tributary.dev",
          adminPassword === undefined || adminPassword === DEV_ADMIN_PASSWORD
            ? DEV_ADMIN_PASSWORD
            : undefined,
        )
      : undefined,
  };
  if (human) console.log(banner(input, notes));
  else {
    const urls = Object.fromEntries(bannerRows(input).map((row) => [row.part, row.url]));
    say("Tributary is running", { urls, accounts: input.accounts, notes });
  }
}

/** Whether the gateway serves Sandbox and the local explorer: its own rule (gateway/config.ts), read the same way. */
function developerTools(env: NodeJS.ProcessEnv): boolean {
  const sandbox = env.SANDBOX?.toLowerCase();
  if (sandbox !== undefined && sandbox !== "") return ["true", "1", "yes"].includes(sandbox);
  return env.NODE_ENV !== "production";
}

/** The broker's log lines into DATA_DIR/logs/broker.log, errors also on the terminal (human mode). */
function fileLogger(output: ReturnType<typeof startOutput>, part: string) {
  const lines = new PassThrough();
  output.capture?.(part, lines, new PassThrough());
  const write = (level: number) => (msg: string, fields?: Record<string, unknown>) =>
    lines.write(`${JSON.stringify({ level, time: Date.now(), name: part, ...fields, msg })}\n`);
  return { info: write(30), warn: write(40), error: write(50) };
}

// The one broker fixture every suite uses: the embedded broker on a free port in a temporary directory, and quiet,
// fast kafkajs clients for it. It is the lowest test layer (events/ only), so the broker's own tests, the event
// kit's, the gateway's and test/support's stacks all build on it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Kafka, logLevel } from "kafkajs";
import { DEFAULT_PARTITIONS, ensureTopics } from "../admin.ts";
import {
  type BrokerOptions,
  type BrokerStats,
  type RunningBroker,
  silentLogger,
  startBroker,
} from "../broker/index.ts";
import { createKafka } from "../kafka.ts";

export interface TestBrokerOptions extends Partial<BrokerOptions> {
  /** Topics created before the broker is handed over, as `npm start` creates them before anything connects. */
  topics?: Iterable<string>;
  /** Partitions of each topic in `topics` and of `createTopics`; the deployment's count by default. */
  partitions?: number;
}

export interface TestBroker {
  readonly host: string;
  readonly port: number;
  /** `host:port`, one entry of a kafkajs `brokers` list. */
  readonly address: string;
  readonly brokers: string[];
  /** The log directory: the fixture's own temporary one (removed by `stop`), or the caller's (kept). */
  readonly dataDir: string;
  /** The broker's own counters, as `npm start` exports them on its /metrics. */
  stats(): BrokerStats;
  /** Creates whichever of `topics` do not exist yet, as a producer's first event or an operator would. */
  createTopics(topics: Iterable<string>, partitions?: number): Promise<void>;
  /** Stops the broker and keeps its data, so `restart()` brings the same log back (an outage). */
  halt(): Promise<void>;
  /** Starts a broker on the same port and data directory (kafkajs remembers the address). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export function tempDir(prefix = "tributary-broker-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestBroker(options: TestBrokerOptions = {}): Promise<TestBroker> {
  const { topics, partitions = DEFAULT_PARTITIONS, ...brokerOptions } = options;
  const ownsDataDir = brokerOptions.dataDir === undefined;
  const dataDir = brokerOptions.dataDir ?? tempDir();
  const settings = { host: "127.0.0.1", logger: silentLogger, ...brokerOptions, dataDir };
  let broker: RunningBroker | undefined = await startBroker({ port: 0, ...settings });
  const { host, port } = broker;
  const address = `${host}:${port}`;
  const createTopics = (names: Iterable<string>, count = partitions) =>
    ensureTopics(testKafka(address, "test-topics"), names, { partitions: count });
  if (topics) await createTopics(topics);
  const halt = async () => {
    await broker?.stop();
    broker = undefined;
  };
  return {
    host,
    port,
    address,
    brokers: [address],
    dataDir,
    stats() {
      if (!broker) throw new Error("the test broker is halted");
      return broker.stats();
    },
    createTopics,
    halt,
    async restart() {
      broker = await startBroker({ ...settings, port });
    },
    async stop() {
      await halt();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A kafkajs client for tests: silent, and quick to give up on a broker that is not there. */
export function testKafka(address: string, clientId = "events-test"): Kafka {
  return createKafka({
    brokers: [address],
    clientId,
    level: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 500 },
  });
}

/** Consumer settings that keep joins and rebalances well under a second in tests. */
export const fastConsumer = {
  sessionTimeout: 3_000,
  rebalanceTimeout: 3_000,
  heartbeatInterval: 200,
  maxWaitTimeInMs: 50,
} as const;

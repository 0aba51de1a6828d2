// The embedded broker and quiet, fast kafkajs clients for the event kit's integration tests.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Consumer, type Kafka, logLevel } from "kafkajs";
import { type RunningBroker, silentLogger, startBroker } from "../broker/index.ts";
import { createKafka } from "../kafka.ts";

export interface TestBroker {
  broker: RunningBroker;
  dataDir: string;
  address: string;
  /** Stops the broker and keeps its data, so `restart()` can bring the same log back. */
  halt(): Promise<void>;
  /** Starts a broker on the same port and data directory (kafkajs remembers the address). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestBroker(): Promise<TestBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), "tributary-events-"));
  let broker = await startBroker({ port: 0, host: "127.0.0.1", dataDir, logger: silentLogger });
  const port = broker.port;
  let running = true;
  return {
    get broker() {
      return broker;
    },
    dataDir,
    address: `127.0.0.1:${port}`,
    async halt() {
      if (running) await broker.stop();
      running = false;
    },
    async restart() {
      broker = await startBroker({ port, host: "127.0.0.1", dataDir, logger: silentLogger });
      running = true;
    },
    async stop() {
      if (running) await broker.stop();
      running = false;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function testKafka(address: string, clientId = "events-test"): Kafka {
  return createKafka({
    brokers: [address],
    clientId,
    level: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 3, initialRetryTime: 50, maxRetryTime: 300 },
  });
}

/** Consumer settings that keep joins and rebalances short in tests. */
export const fastConsumer = { sessionTimeout: 6_000, heartbeatInterval: 500, maxWaitTimeInMs: 100 } as const;

export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface Received {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  value: Buffer | null;
  headers: Record<string, string>;
}

/**
 * Reads `topics` from the beginning with a throwaway group, collecting each record of the log once.
 * The collector is itself an at-least-once consumer (a broker restart can redeliver what it read but had not
 * committed), so it skips offsets it has seen: what it collects is the log, and a duplicate in it is a real one.
 */
export async function collectMessages(kafka: Kafka, topics: string[], into: Received[]): Promise<Consumer> {
  const consumer = kafka.consumer({
    groupId: `collector-${Math.random().toString(36).slice(2)}`,
    ...fastConsumer,
  });
  const seen = new Set<string>();
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const position = `${topic}/${partition}/${message.offset}`;
      if (seen.has(position)) return;
      seen.add(position);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
      into.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? "",
        value: message.value,
        headers,
      });
    },
  });
  return consumer;
}

// Shared fixtures for the broker tests: temp data dirs, brokers on port 0, quiet kafkajs clients.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Consumer, type ConsumerConfig, Kafka, logLevel } from "kafkajs";
import { type BrokerOptions, type RunningBroker, silentLogger, startBroker } from "./index.ts";

export function tempDir(prefix = "broker-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function startTestBroker(options: Partial<BrokerOptions> = {}): Promise<RunningBroker> {
  return startBroker({ port: 0, dataDir: options.dataDir ?? tempDir(), logger: silentLogger, ...options });
}

export function client(broker: { host: string; port: number }, clientId = "test"): Kafka {
  return new Kafka({
    clientId,
    brokers: [`${broker.host}:${broker.port}`],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5, initialRetryTime: 50, maxRetryTime: 500 },
  });
}

/** Short timeouts keep rebalances in the test suite well under a second. */
export const fastGroup: Omit<ConsumerConfig, "groupId"> = {
  sessionTimeout: 3000,
  rebalanceTimeout: 3000,
  heartbeatInterval: 200,
  maxWaitTimeInMs: 50,
  retry: { retries: 10, initialRetryTime: 50, maxRetryTime: 500 },
};

export async function waitFor(check: () => boolean, timeoutMs = 15_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface Seen {
  topic: string;
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/** Runs a consumer that records every message it processes into `into`. */
export async function collect(consumer: Consumer, topic: string, into: Seen[]): Promise<void> {
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
      into.push({
        topic,
        partition,
        offset: Number(message.offset),
        key: message.key?.toString() ?? null,
        value: message.value?.toString() ?? null,
        headers,
      });
    },
  });
}

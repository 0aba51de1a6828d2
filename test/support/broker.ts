// The embedded broker on a free port in a temporary directory, as every suite that needs Kafka uses it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureTopics } from "../../events/admin.ts";
import { silentLogger, startBroker } from "../../events/broker/index.ts";
import { createKafka } from "../../events/kafka.ts";
import { ALL_TOPICS, dlqTopic } from "../../events/topics.ts";

export interface TestBroker {
  brokers: string[];
  port: number;
  dataDir: string;
  stop(): Promise<void>;
  /** Starts it again on the same port and data, as after an outage. */
  restart(): Promise<void>;
  /** Stops it without removing its data (for outage tests). */
  pause(): Promise<void>;
  /** The broker's own counters, as `npm start` exports them on its /metrics. */
  stats(): ReturnType<Awaited<ReturnType<typeof startBroker>>["stats"]>;
}

export async function startTestBroker(): Promise<TestBroker> {
  const dataDir = mkdtempSync(join(tmpdir(), "tributary-broker-"));
  let running = await startBroker({ port: 0, host: "127.0.0.1", dataDir, logger: silentLogger });
  const port = running.port;
  // As `npm start` does: every topic exists before any producer, consumer or gateway starts.
  await ensureTopics(createKafka({ brokers: [`127.0.0.1:${port}`], clientId: "tributary-test-setup" }), [
    ...ALL_TOPICS,
    ...ALL_TOPICS.map(dlqTopic),
  ]);
  return {
    brokers: [`127.0.0.1:${port}`],
    port,
    dataDir,
    async pause() {
      await running.stop();
    },
    stats: () => running.stats(),
    async restart() {
      running = await startBroker({ port, host: "127.0.0.1", dataDir, logger: silentLogger });
    },
    async stop() {
      await running.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

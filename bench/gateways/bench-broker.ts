// What every bench that starts subgraph processes starts them against: the embedded broker in a work directory,
// every topic created up front (as `npm start` does), and the environment the processes share.
import { join } from "node:path";
import { ensureTopics } from "../../events/admin.ts";
import { type RunningBroker, silentLogger, startBroker } from "../../events/broker/index.ts";
import { createKafka } from "../../events/kafka.ts";
import { TOPICS_AND_DEAD_LETTERS } from "../../events/topics.ts";
import { freePort } from "./processes.ts";

export interface BenchBroker {
  broker: RunningBroker;
  /** Secret, admin password and broker address, production mode: what each subgraph process is given. */
  env: Record<string, string>;
}

export async function startBenchBroker(workDir: string, clientId: string): Promise<BenchBroker> {
  const broker = await startBroker({
    port: await freePort(),
    dataDir: join(workDir, "broker"),
    logger: silentLogger,
  });
  const brokers = `127.0.0.1:${broker.port}`;
  await ensureTopics(createKafka({ brokers: [brokers], clientId }), TOPICS_AND_DEAD_LETTERS);
  const env: Record<string, string> = {
    NODE_ENV: "production",
    JWT_SECRET: `bench-${crypto.randomUUID()}-${crypto.randomUUID()}`,
    // Tokens must outlive the whole run.
    JWT_ACCESS_TTL_SECONDS: String(6 * 3600),
    ADMIN_PASSWORD: `bench-admin-${crypto.randomUUID()}`,
    // Production subgraphs answer only callers that send it: every gateway under test does.
    GATEWAY_SECRET: `bench-gateway-${crypto.randomUUID()}`,
    KAFKA_BROKERS: brokers,
  };
  return { broker, env };
}

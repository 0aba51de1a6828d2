// `npm run events:tail -- <topic>... [--from-beginning] [--brokers host:port,...]`: print events as JSON lines.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { DEFAULT_BROKER_PORT } from "../platform/topology.ts";
import { ensureTopics } from "./admin.ts";
import { createKafka, parseBrokers } from "./kafka.ts";
import { formatMessage } from "./tail-format.ts";
import { ALL_TOPICS, isTopic } from "./topics.ts";

const usage = `usage: npm run events:tail -- <topic>... [--from-beginning] [--brokers host:port,...]
topics: ${ALL_TOPICS.join(" ")} (and <topic>.dlq)`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    "from-beginning": { type: "boolean", default: false },
    brokers: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help || positionals.length === 0) {
  console.error(usage);
  process.exit(values.help ? 0 : 2);
}

const brokers = parseBrokers(
  values.brokers ??
    process.env.KAFKA_BROKERS ??
    `127.0.0.1:${process.env.BROKER_PORT ?? DEFAULT_BROKER_PORT}`,
);
const kafka = createKafka({ brokers, clientId: "tributary-tail" });
// Creating our own topics (never anyone else's) lets a tail start before the first event is published.
const ours = positionals.filter((topic) => isTopic(topic) || isTopic(topic.replace(/\.dlq$/, "")));
await ensureTopics(kafka, ours);

// A throwaway group: a tail never moves the offsets of a real consumer.
const consumer = kafka.consumer({ groupId: `tributary-tail-${randomUUID()}`, maxWaitTimeInMs: 250 });
await consumer.connect();
await consumer.subscribe({ topics: positionals, fromBeginning: values["from-beginning"] });
await consumer.run({
  eachMessage: async ({ topic, partition, message }) => {
    process.stdout.write(JSON.stringify(formatMessage(topic, partition, message)) + "\n");
  },
});
console.error(`tailing ${positionals.join(", ")} on ${brokers.join(",")} (Ctrl-C to stop)`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    consumer.disconnect().finally(() => process.exit(0));
  });
}

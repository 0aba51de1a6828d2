// `npm run topics`: every topic with its partitions and end offsets; `--ensure` creates ours first, with
// `--partitions N` of them each (3 by default; the Kubernetes topics Job passes TOPIC_PARTITIONS).
import { parseArgs } from "node:util";
import { DEFAULT_PARTITIONS, ensureTopics } from "../../events/admin.ts";
import { createKafka } from "../../events/kafka.ts";
import { TOPICS_AND_DEAD_LETTERS } from "../../events/topics.ts";
import { brokersOf, parseOpsConfig } from "./config.ts";
import { formatTable } from "./table.ts";

const { values } = parseArgs({
  options: {
    ensure: { type: "boolean", default: false },
    partitions: { type: "string", default: String(DEFAULT_PARTITIONS) },
  },
});
const partitions = Number(values.partitions);
if (!Number.isInteger(partitions) || partitions < 1) {
  console.error(`--partitions must be a whole number of 1 or more, not "${values.partitions}"`);
  process.exit(2);
}
const config = parseOpsConfig(process.env);
const brokers = brokersOf(config);
const kafka = createKafka({ brokers, clientId: "tributary-topics" });

function unreachable(error: unknown): never {
  console.error(
    `Kafka at ${brokers.join(",")} is unreachable (${(error as Error).message}): start it (\`npm start\` or \`npm run up\`), or set KAFKA_BROKERS`,
  );
  process.exit(1);
}

if (values.ensure) {
  // The compose stack's one-shot init: every event topic and its dead-letter topic.
  await ensureTopics(kafka, TOPICS_AND_DEAD_LETTERS, { partitions }).catch(unreachable);
}

const admin = kafka.admin();
await admin.connect().catch(unreachable);
try {
  const topics = (await admin.listTopics()).filter((t) => !t.startsWith("__")).sort();
  const rows: string[][] = [["topic", "partitions", "end offsets", "messages"]];
  for (const topic of topics) {
    const offsets = (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition);
    const total = offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
    rows.push([topic, String(offsets.length), offsets.map((o) => o.high).join(","), String(total)]);
  }
  console.log(formatTable(rows));
} finally {
  await admin.disconnect();
}

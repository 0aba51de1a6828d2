// Produce-to-consume latency at a fixed 1,000 records/s with kafkajs on both ends: a producer in a
// child process stamps each value with the monotonic clock, and a long-polling consumer here measures.

import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BrokerProcess } from "./broker-process.ts";
import { monotonicMs, producerKafka } from "./latency-client.ts";

export interface Latency {
  p50: number;
  p99: number;
  count: number;
}

const WARM_UP_SECONDS = 1;
const COMMIT_EVERY_MS = 1000;

/** Printed under the benchmark's table: what the latency numbers were measured with. */
export const KAFKAJS_LATENCY_SETTINGS =
  "producer (child process) one send() per 1 ms tick, acks=-1, TCP_NODELAY; " +
  `consumer maxWaitTimeInMs 1000, autoCommit off with a commit every ${COMMIT_EVERY_MS} ms`;
const producerScript = path.join(path.dirname(fileURLToPath(import.meta.url)), "latency-producer.ts");

export async function measureLatency(
  broker: BrokerProcess,
  topic: string,
  seconds: number,
): Promise<Latency> {
  const kafka = producerKafka(broker.port, broker.host);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `bench-${topic}`, maxWaitTimeInMs: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  const samples: number[] = [];
  let warmedUp = false;
  let measureFrom = Number.POSITIVE_INFINITY;
  // kafkajs with autoCommit commits after every batch whatever autoCommitInterval says, which puts an
  // OffsetCommit round trip into every fetch cycle; committing on a timer is what that setting means.
  let nextOffset: string | undefined;
  const committer = setInterval(() => {
    if (nextOffset !== undefined) void consumer.commitOffsets([{ topic, partition: 0, offset: nextOffset }]);
  }, COMMIT_EVERY_MS);
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ message }) => {
      nextOffset = String(Number(message.offset) + 1);
      const value = message.value!.toString();
      if (value === "warm-up") warmedUp = true;
      else {
        const sent = Number(value.slice(0, value.indexOf(" ")));
        // The first second at full rate warms up the JIT on both ends; it is not measured.
        if (sent >= measureFrom) samples.push(monotonicMs() - sent);
      }
    },
  });

  const producer = spawn(
    process.execPath,
    ["--import", "tsx", producerScript, String(broker.port), topic, String(seconds + WARM_UP_SECONDS)],
    {
      stdio: ["pipe", "inherit", "inherit"],
    },
  );
  const exited = new Promise((r) => producer.once("exit", r));
  // Measure only once the consumer is really fetching: a slow first join would otherwise show up as latency.
  while (!warmedUp) await new Promise((r) => setTimeout(r, 50));
  measureFrom = monotonicMs() + WARM_UP_SECONDS * 1000;
  producer.stdin.end("go\n");
  await exited;
  const deadline = Date.now() + 5000;
  while (samples.length < seconds * 1000 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  clearInterval(committer);
  await consumer.disconnect();
  return percentiles(samples);
}

/** Nearest-rank percentiles: p99 is the smallest sample that at least 99% of samples do not exceed. */
export function percentiles(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), count: sorted.length };
}

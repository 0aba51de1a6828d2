// Produce-to-consume latency at a fixed 1,000 records/s with kafkajs on both ends: a producer in a
// child process stamps each value with the wall clock, and a long-polling consumer here measures.

import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { BrokerProcess } from "./broker-process.ts";
import { producerKafka, wallClockMs } from "./latency-client.ts";

export interface Latency {
  p50: number;
  p99: number;
  count: number;
}

const WARM_UP_SECONDS = 1;
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
  await consumer.run({
    // Committing once a second instead of after every fetch keeps a commit round trip out of each sample.
    autoCommitInterval: 1000,
    eachMessage: async ({ message }) => {
      const value = message.value!.toString();
      if (value === "warm-up") warmedUp = true;
      else {
        const sent = Number(value.slice(0, value.indexOf(" ")));
        // The first second at full rate warms up the JIT on both ends; it is not measured.
        if (sent >= measureFrom) samples.push(wallClockMs() - sent);
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
  measureFrom = wallClockMs() + WARM_UP_SECONDS * 1000;
  producer.stdin.end("go\n");
  await exited;
  const deadline = Date.now() + 5000;
  while (samples.length < seconds * 1000 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  await consumer.disconnect();
  return percentiles(samples);
}

export function percentiles(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), count: sorted.length };
}

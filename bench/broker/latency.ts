// Produce-to-consume latency at a fixed 1,000 records/s: each value carries its send time,
// and a kafkajs consumer long-polling the topic records when it sees it.

import net from "node:net";
import { Kafka, logLevel } from "kafkajs";
import type { BrokerProcess } from "./broker-process.ts";

export interface Latency {
  p50: number;
  p99: number;
  count: number;
}

export async function measureLatency(
  broker: BrokerProcess,
  topic: string,
  seconds: number,
): Promise<Latency> {
  const kafka = new Kafka({
    clientId: "bench-latency",
    brokers: [`${broker.host}:${broker.port}`],
    logLevel: logLevel.NOTHING,
    // kafkajs leaves Nagle's algorithm on; small requests then wait for delayed ACKs (tens of ms).
    socketFactory: ({ host, port, onConnect }) => net.connect({ host, port, noDelay: true }, onConnect),
  });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  await admin.disconnect();
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `bench-${topic}`, maxWaitTimeInMs: 1000 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic, fromBeginning: false });
  const samples: number[] = [];
  let warmedUp = false;
  await consumer.run({
    // Committing once a second instead of after every fetch keeps a commit round trip out of each sample.
    autoCommitInterval: 1000,
    eachMessage: async ({ message }) => {
      if (message.value!.toString() === "warm-up") warmedUp = true;
      else samples.push(performance.now() - Number(message.value!.subarray(0, 20).toString()) / 1000);
    },
  });
  // Measure only once the consumer is really fetching: a slow first join would otherwise show up as latency.
  while (!warmedUp) {
    await producer.send({ topic, messages: [{ value: "warm-up" }] });
    await new Promise((r) => setTimeout(r, 200));
  }

  const total = seconds * 1000;
  const start = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      // Send whatever the 1,000/s schedule says is due, so timer jitter does not lower the rate.
      const due = Math.min(total, Math.floor(performance.now() - start));
      for (; sent < due; sent++) {
        const value = String(Math.round(performance.now() * 1000)).padStart(20, "0") + "x".repeat(1004);
        void producer.send({ topic, acks: -1, messages: [{ value }] });
      }
      if (sent >= total) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  const deadline = Date.now() + 5000;
  while (samples.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await Promise.all([producer.disconnect(), consumer.disconnect()]);
  return percentiles(samples);
}

export function percentiles(samples: number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), count: sorted.length };
}

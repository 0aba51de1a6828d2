// What both sides of the latency benchmark share: a clock precise below a millisecond that all
// processes agree on, and kafkajs configured with TCP_NODELAY.

import net from "node:net";
import { Kafka, logLevel } from "kafkajs";

/**
 * Milliseconds on CLOCK_MONOTONIC with sub-millisecond precision: one clock for every process on the
 * machine. performance.timeOrigin + performance.now() is not: each process fixes its timeOrigin at
 * start-up, and on a busy machine two processes' origins can be milliseconds apart (even a negative p50).
 */
export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export function producerKafka(port: number, host = "127.0.0.1"): Kafka {
  return new Kafka({
    clientId: "bench-latency",
    brokers: [`${host}:${port}`],
    logLevel: logLevel.NOTHING,
    // kafkajs leaves Nagle's algorithm on, so a small request can wait for the previous one's ACK.
    socketFactory: ({ host, port, onConnect }) => net.connect({ host, port, noDelay: true }, onConnect),
  });
}

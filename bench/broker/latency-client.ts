// What both sides of the latency benchmark share: a wall clock precise below a millisecond
// and kafkajs configured with TCP_NODELAY.

import net from "node:net";
import { Kafka, logLevel } from "kafkajs";

/** Milliseconds since the epoch with sub-millisecond precision, comparable across processes. */
export const wallClockMs = (): number => performance.timeOrigin + performance.now();

export function producerKafka(port: number, host = "127.0.0.1"): Kafka {
  return new Kafka({
    clientId: "bench-latency",
    brokers: [`${host}:${port}`],
    logLevel: logLevel.NOTHING,
    // kafkajs leaves Nagle's algorithm on, so a small request can wait for the previous one's ACK.
    socketFactory: ({ host, port, onConnect }) => net.connect({ host, port, noDelay: true }, onConnect),
  });
}

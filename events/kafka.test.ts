import { createServer } from "node:net";
import { Writable } from "node:stream";
import { logLevel } from "kafkajs";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createKafka, parseBrokers, START_GRACE_MS, startAwareLevel } from "./kafka.ts";

describe("startAwareLevel", () => {
  it("logs kafkajs's connection errors and warnings as info while the process starts, as themselves after", () => {
    expect(startAwareLevel(logLevel.ERROR, 2_000)).toBe(logLevel.INFO);
    expect(startAwareLevel(logLevel.WARN, 2_000)).toBe(logLevel.INFO);
    expect(startAwareLevel(logLevel.DEBUG, 2_000)).toBe(logLevel.DEBUG);
    expect(startAwareLevel(logLevel.ERROR, START_GRACE_MS)).toBe(logLevel.ERROR);
    expect(startAwareLevel(logLevel.WARN, START_GRACE_MS + 1)).toBe(logLevel.WARN);
  });
});

describe("parseBrokers", () => {
  it("splits a comma-separated list and trims spaces", () => {
    expect(parseBrokers("127.0.0.1:9092, kafka:29092 ,")).toEqual(["127.0.0.1:9092", "kafka:29092"]);
  });

  it("refuses an empty list or an address without a port", () => {
    expect(() => parseBrokers(" , ")).toThrow(/no Kafka brokers/);
    expect(() => parseBrokers("localhost")).toThrow(/host:port/);
  });
});

describe("createKafka", () => {
  it("routes kafkajs errors into the pino logger, tagged with the kafkajs namespace", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const kafka = createKafka({
      brokers: [`127.0.0.1:${await closedPort()}`],
      clientId: "log-test",
      logger: pino({ level: "debug" }, sink),
      retry: { retries: 0 },
      // Past start-up: errors are errors (within it they are retries, logged as info).
      startGraceMs: 0,
    });
    const producer = kafka.producer();
    await expect(producer.connect()).rejects.toThrow();
    const errors = lines.filter((line) => line.level === 50);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ kafkajs: expect.any(String), msg: expect.any(String) });
    // WARN and up only: kafkajs's info chatter stays out of the service log.
    expect(lines.every((line) => Number(line.level) >= 40)).toBe(true);
  });

  it("logs a client's errors as warnings when it is told its outages are ridden out", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const kafka = createKafka({
      brokers: [`127.0.0.1:${await closedPort()}`],
      clientId: "log-test-warn",
      logger: pino({ level: "debug" }, sink),
      retry: { retries: 0 },
      startGraceMs: 0,
      mostSevere: logLevel.WARN,
    });
    await expect(kafka.producer().connect()).rejects.toThrow();
    expect(lines.filter((line) => line.level === 40).length).toBeGreaterThan(0);
    expect(lines.some((line) => Number(line.level) >= 50)).toBe(false);
  });
});

/** A port nothing listens on: bound by the OS, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readinessCheck } from "./readiness.ts";

let healthChecks = 0;
const healthy = createServer((req, res) => {
  if (req.url === "/health") healthChecks++;
  res.writeHead(req.url === "/health" ? 200 : 404).end();
});
let url = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => healthy.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(healthy.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise<void>((resolve) => healthy.close(() => resolve())));

describe("readinessCheck", () => {
  it("is ready when every subgraph's /health answers 200 and Kafka is not needed", async () => {
    const check = readinessCheck({ subgraphs: () => [{ name: "a", url }] });
    expect(await check()).toEqual({
      ready: true,
      subgraphs: { a: "up" },
      kafka: "disabled",
      events: "disabled",
    });
  });

  it("is not ready, naming the part, when Kafka does not answer", async () => {
    const check = readinessCheck({
      subgraphs: () => [{ name: "a", url }],
      kafka: { brokers: ["127.0.0.1:9"], clientId: "test" },
      timeoutMs: 500,
    });
    expect(await check()).toEqual({
      ready: false,
      subgraphs: { a: "up" },
      kafka: "down",
      events: "disabled",
    });
  });

  it("is not ready while the event consumer is not joined and positioned, asked afresh on every probe", async () => {
    let consuming = false;
    const check = readinessCheck({
      subgraphs: () => [{ name: "a", url }],
      events: () => consuming,
      cacheMs: 10_000,
    });
    expect(await check()).toMatchObject({ ready: false, events: "starting" });
    consuming = true;
    expect(await check()).toMatchObject({ ready: true, events: "consuming" });
    consuming = false;
    expect(await check()).toMatchObject({ ready: false, events: "starting" });
  });

  it("under npm start, is not ready until the demo data is seeded, and says so the moment it is", async () => {
    let seeded = false;
    // A long cache: the checks of subgraphs and Kafka may be reused, the end of seeding may not wait for it.
    const check = readinessCheck({
      subgraphs: () => [{ name: "a", url }],
      cacheMs: 60_000,
      seeded: () => seeded,
    });
    expect(await check()).toEqual({
      ready: false,
      subgraphs: { a: "up" },
      kafka: "disabled",
      events: "disabled",
      seeded: false,
    });
    seeded = true;
    expect(await check()).toEqual({
      ready: true,
      subgraphs: { a: "up" },
      kafka: "disabled",
      events: "disabled",
      seeded: true,
    });
  });

  it("is not ready before it knows any subgraph", async () => {
    expect((await readinessCheck({ subgraphs: () => [] })()).ready).toBe(false);
  });

  it("shares one round of checks between probes arriving within the cache time", async () => {
    const check = readinessCheck({ subgraphs: () => [{ name: "a", url }], cacheMs: 10_000 });
    const before = healthChecks;
    await Promise.all([check(), check(), check()]);
    await check();
    expect(healthChecks - before).toBe(1);
  });

  it("never reuses a round that found a part down: the next probe checks again", async () => {
    let up = false;
    const server = createServer((_, res) => {
      res.statusCode = up ? 200 : 503;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const check = readinessCheck({
        subgraphs: () => [{ name: "a", url: `http://127.0.0.1:${port}` }],
        cacheMs: 60_000,
      });
      expect((await check()).ready).toBe(false);
      up = true;
      expect((await check()).ready).toBe(true);
    } finally {
      server.close();
    }
  });
});

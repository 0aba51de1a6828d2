import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { backoffDelay, sleep } from "./backoff.ts";

const options = { initialDelayMs: 100, maxDelayMs: 5_000 };

describe("backoffDelay", () => {
  it("starts at the initial delay and doubles with each attempt", () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, options))).toEqual([
      100, 200, 400, 800, 1600,
    ]);
  });

  it("never exceeds the cap, even after very many attempts", () => {
    expect(backoffDelay(7, options)).toBe(5_000);
    expect(backoffDelay(10_000, options)).toBe(5_000);
  });

  it("grows by the given factor", () => {
    expect(backoffDelay(3, { ...options, factor: 3 })).toBe(900);
  });

  it("takes at most the jitter fraction away, at random", () => {
    expect(backoffDelay(2, { ...options, jitter: 0.5 }, () => 0)).toBe(200);
    expect(backoffDelay(2, { ...options, jitter: 0.5 }, () => 1)).toBe(100);
    expect(backoffDelay(2, { ...options, jitter: 0.5 }, () => 0.5)).toBe(150);
  });

  it("treats attempt 0 or less as the first attempt", () => {
    expect(backoffDelay(0, options)).toBe(100);
    expect(backoffDelay(-3, options)).toBe(100);
  });
});

describe("sleep", () => {
  it("ends early when its signal aborts", async () => {
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 20);
    await sleep(10_000, controller.signal);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("leaves no listener on a long-lived signal once it has slept, however often it sleeps on it", async () => {
    const stopping = new AbortController();
    for (let pass = 0; pass < 20; pass++) await sleep(1, stopping.signal);
    expect(getEventListeners(stopping.signal, "abort")).toHaveLength(0);
  });
});

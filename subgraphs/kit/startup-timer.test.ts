import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { StartupTimer } from "./startup-timer.ts";

describe("StartupTimer", () => {
  it("reports each step's own duration and the total since the process started", async () => {
    const timer = new StartupTimer();
    await sleep(30);
    timer.lap("database");
    await sleep(60);
    timer.lap("listen");
    const report = timer.report();
    expect(report.database).toBeGreaterThanOrEqual(25);
    expect(report.listen).toBeGreaterThanOrEqual(55);
    expect(report.listen).toBeLessThan(report.database! + 60 + 1_000);
    expect(report.total).toBeGreaterThanOrEqual(report.boot! + report.database! + report.listen! - 2);
    expect(Object.keys(report)).toEqual(["boot", "database", "listen", "total"]);
  });
});

import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tracer } from "./propagation.ts";
import { startTracing, type Tracing } from "./provider.ts";
import { startCollector, type TestCollector } from "./testing/collector.ts";

const run = promisify(execFile);
const fixture = fileURLToPath(new URL("./testing/loaded-sdk.ts", import.meta.url));

/** Which SDK packages a fresh process loaded after importing the kit and starting tracing. */
async function sdkPackagesLoaded(endpoint?: string): Promise<string[]> {
  const args = ["--import", "tsx", fixture, ...(endpoint ? [endpoint] : [])];
  const { stdout } = await run(process.execPath, args, { timeout: 60_000 });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "[]");
}

describe("starting tracing", () => {
  it("loads no SDK module when tracing is off, and the SDK and exporter once it is on", async () => {
    const [off, on] = await Promise.all([sdkPackagesLoaded(), sdkPackagesLoaded("http://127.0.0.1:9")]);
    expect(off).toEqual([]);
    // The positive case shows the check itself can see the SDK.
    expect(on).toEqual(
      expect.arrayContaining(["exporter-trace-otlp-http", "sdk-trace-base", "sdk-trace-node"]),
    );
  }, 90_000);

  describe("with an OTLP endpoint", () => {
    let collector: TestCollector;
    let tracing: Tracing | null;
    beforeAll(async () => {
      collector = await startCollector();
      tracing = await startTracing({ serviceName: "flush-test", endpoint: collector.url });
    });
    afterAll(async () => {
      await tracing?.shutdown();
      await collector?.close();
    });

    it("hands every caller the one provider of the process", async () => {
      expect(await startTracing({ serviceName: "second-part", endpoint: "http://elsewhere" })).toBe(tracing);
    });

    it("exports the spans still batched when flushed, without waiting for the batch delay", async () => {
      tracer.startSpan("last words before SIGTERM").end();
      // The batch processor would send this only after its 5 s delay; a stopping process has no 5 s.
      expect(collector.spanNames()).not.toContain("last words before SIGTERM");
      await tracing?.flush();
      expect(collector.spanNames()).toContain("last words before SIGTERM");
      expect(collector.bodies.join("")).toContain("flush-test");
    });
  });
});

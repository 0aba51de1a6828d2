// librdkafka through kcat: metadata (-L), produce (-P), consume to the end (-C -e),
// and a balanced consumer group (-G) that resumes from its committed offsets.

import { spawn, spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestBroker, type TestBroker } from "../testing/broker.ts";
import { toolAvailable } from "../testing/tools.ts";

const hasKcat = toolAvailable("kcat", spawnSync("kcat", ["-V"]).status === 0, "apt-get install -y kcat");

/** Runs kcat without blocking the event loop, since the broker lives in this process. */
function kcat(broker: TestBroker, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("kcat", ["-b", `${broker.host}:${broker.port}`, ...args], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d;
    });
    child.stderr.on("data", (d: Buffer) => {
      err += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`kcat ${args.join(" ")} exited ${code}: ${err}`));
    });
    child.stdin.end(input ?? "");
  });
}

const lines = (s: string) => s.split("\n").filter((l) => l.length > 0);

describe.skipIf(!hasKcat)("the broker with kcat (librdkafka)", () => {
  let broker: TestBroker;

  beforeAll(async () => {
    broker = await startTestBroker();
  });

  afterAll(async () => {
    await broker.stop();
  });

  it("produces keyed records with -P and reads them all back with -C -e", async () => {
    const input = Array.from({ length: 50 }, (_, i) => `key${i}:value${i}`).join("\n");
    await kcat(broker, ["-P", "-t", "kc-orders", "-K:"], input);
    const out = await kcat(broker, ["-C", "-t", "kc-orders", "-e", "-f", "%k=%s\n"]);
    expect(lines(out).sort()).toEqual(Array.from({ length: 50 }, (_, i) => `key${i}=value${i}`).sort());
  });

  it("lists this broker and the topic's partitions with -L", async () => {
    const out = await kcat(broker, ["-L", "-t", "kc-orders"]);
    expect(out).toContain(`broker 0 at ${broker.host}:${broker.port}`);
    expect(out).toContain('topic "kc-orders" with 3 partitions');
  });

  it("resumes a -G consumer group where the previous member committed", async () => {
    const group = ["-G", "kc-group", "kc-jobs", "-e", "-f", "%s\n", "-X", "auto.offset.reset=earliest"];
    await kcat(broker, ["-P", "-t", "kc-jobs"], "a\nb\nc\n");
    expect(lines(await kcat(broker, group)).sort()).toEqual(["a", "b", "c"]);
    await kcat(broker, ["-P", "-t", "kc-jobs"], "d\ne\n");
    expect(lines(await kcat(broker, group)).sort()).toEqual(["d", "e"]);
  });
});

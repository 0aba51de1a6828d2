// Chaos: the feed subgraph, a real process, is killed with SIGKILL in the middle of a burst of publishPost
// mutations and restarted on the same data; a subscriber that was cut off meanwhile resumes with its cursor.
// Every acknowledged post must reach it exactly once, in publish order: nothing lost, nothing doubled.
import { type ChildProcess, fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startTestBroker, type TestBroker } from "../../events/testing/broker.ts";
import { TOPICS_AND_DEAD_LETTERS } from "../../events/topics.ts";
import { parseConfig } from "../../gateway/config.ts";
import { buildGateway, type Gateway } from "../../gateway/server.ts";
import { silentLogger } from "../../platform/logger.ts";
import { testEnv } from "../support/config.ts";
import { eventually, graphql } from "../support/graphql.ts";
import { tokenFor } from "../support/tokens.ts";

const SUPERGRAPH = fileURLToPath(new URL("../../schemas/supergraph.graphql", import.meta.url));
const SUBGRAPH_SCRIPT = fileURLToPath(new URL("../../scripts/subgraph.ts", import.meta.url));
const PUBLISH = `mutation($m: String!) { publishPost(message: $m) { id } }`;
const POSTS = `subscription($author: ID, $after: String) { postPublished(authorId: $author, after: $after) { message } }`;
/** Acknowledged posts: half before the kill, half after the restart. */
const BURST = 24;

let broker: TestBroker;
let gateway: Gateway;
let url = "";
let feed: ChildProcess | undefined;
let feedPort = 0;
const dataDir = mkdtempSync(join(tmpdir(), "tributary-chaos-"));
const author = tokenFor(["CUSTOMER"]);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The feed subgraph as `npm run subgraph -- feed` runs it, on PGlite files in `dataDir`. */
function startFeed(port: number): Promise<ChildProcess> {
  const { DATABASE_URL: _shared, ...inherited } = process.env;
  const child = fork(SUBGRAPH_SCRIPT, ["feed"], {
    execArgv: ["--import", "tsx"],
    env: {
      ...inherited,
      ...testEnv({ DATA_DIR: dataDir, FEED_PORT: String(port), HOST: "127.0.0.1" }),
      KAFKA_BROKERS: broker.brokers.join(","),
    },
    stdio: "ignore",
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("feed did not start in time")), 90_000);
    child.once("exit", (code) => reject(new Error(`feed exited with ${code}`)));
    child.on("message", (message) => {
      if ((message as { type?: string }).type !== "ready") return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve(child);
    });
  });
}

beforeAll(async () => {
  broker = await startTestBroker({ topics: TOPICS_AND_DEAD_LETTERS });
  // Fixed for the run: the restarted process comes back where the gateway expects it.
  feedPort = await freePort();
  feed = await startFeed(feedPort);
  gateway = await buildGateway(
    parseConfig(
      testEnv({
        SUPERGRAPH_PATH: SUPERGRAPH,
        SUPERGRAPH_WATCH: "false",
        KAFKA_BROKERS: broker.brokers.join(","),
        SUBGRAPH_URLS: `feed=http://127.0.0.1:${feedPort}/graphql`,
        KAFKA_TOPIC_REFRESH_MS: "300",
        RATE_LIMIT_ENABLED: "false",
      }),
    ),
    { logger: silentLogger },
  );
  ({ url } = await gateway.listen(0, "127.0.0.1"));
  await gateway.whenConsuming();
}, 150_000);

afterAll(async () => {
  feed?.kill("SIGKILL");
  await gateway?.stop();
  await broker?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A subscriber keeping every message with its cursor; `stop` cuts it off as a dropped connection would. */
function subscriber(after?: string) {
  const got: { message: string; cursor: string }[] = [];
  const client = createClient({
    url: url.replace(/^http/, "ws"),
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    connectionParams: { authorization: author.authorization },
  });
  const stop = client.subscribe(
    { query: POSTS, variables: { author: author.id, after } },
    {
      next: (result) => {
        const data = result.data as { postPublished: { message: string } } | undefined;
        const cursor = String((result.extensions as { cursor?: string } | undefined)?.cursor);
        if (data) got.push({ message: data.postPublished.message, cursor });
      },
      error: () => {},
      complete: () => {},
    },
  );
  return {
    got,
    async stop() {
      stop();
      await client.dispose();
    },
  };
}

describe("a subgraph killed mid-burst", () => {
  it("loses and doubles nothing a resumed subscriber gets, in publish order", async () => {
    const first = subscriber();
    await eventually(async () => gateway.stats().subscribers === 1);
    // One author publishing one post after another: publish order is the order of `n`.
    const acknowledged: string[] = [];
    let running = true;
    let n = 0;
    const publishing = (async () => {
      while (running) {
        const message = `chaos-${n++}`;
        const response = await graphql<{ publishPost: { id: string } }>(
          url,
          PUBLISH,
          { m: message },
          author.token,
        );
        if (response.data?.publishPost?.id) acknowledged.push(message);
        else await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    await eventually(async () => acknowledged.length >= BURST / 2, 60_000);
    feed!.kill("SIGKILL");
    await first.stop();
    feed = await startFeed(feedPort);
    await eventually(async () => acknowledged.length >= BURST, 60_000);
    running = false;
    await publishing;

    const resumed = subscriber(first.got.at(-1)?.cursor);
    const received = () => [...first.got, ...resumed.got].map((e) => e.message);
    await eventually(async () => acknowledged.every((m) => received().includes(m)), 60_000);
    // A copy would come right behind its original: give it time to show.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await resumed.stop();

    const all = received();
    expect(new Set(all).size).toBe(all.length);
    // Posts whose answer the kill swallowed may have committed, and may come; every acknowledged one comes once, in order.
    expect(all.filter((m) => acknowledged.includes(m))).toEqual(acknowledged);
    const published = new Set(Array.from({ length: n }, (_, i) => `chaos-${i}`));
    expect(all.every((m) => published.has(m))).toBe(true);
  }, 180_000);
});

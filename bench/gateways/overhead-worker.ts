// The direct side of the low-load join, a child process pinned to the gateway's core (overhead.ts). Over
// IPC: each "join" message runs the direct calls once and answers with their duration in ms.
import { directJoin } from "./overhead.ts";
import type { Fixture } from "./shapes.ts";

const { subgraphUrls, fixture, gatewaySecret } = JSON.parse(process.argv[2] ?? "") as {
  subgraphUrls: Record<string, string>;
  fixture: Fixture;
  gatewaySecret: string;
};
const join = directJoin(subgraphUrls, fixture, gatewaySecret);
process.on("message", async (message: unknown) => {
  if (message !== "join") return;
  const started = performance.now();
  await join();
  process.send!({ ms: performance.now() - started });
});
process.on("disconnect", () => process.exit(0));
process.send!("ready");

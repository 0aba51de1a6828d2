// The direct side of the low-load join, run as its own process pinned to the gateway's core (overhead.ts).
// Usage: node --import tsx bench/gateways/overhead-worker.ts '{"subgraphUrls": {...}, "fixture": {...}}'
// Prints the median in ms.
import { joinDirect } from "./overhead.ts";
import type { Fixture } from "./shapes.ts";

const { subgraphUrls, fixture } = JSON.parse(process.argv[2] ?? "") as {
  subgraphUrls: Record<string, string>;
  fixture: Fixture;
};
process.stdout.write(`${await joinDirect(subgraphUrls, fixture)}\n`);
process.exit(0);

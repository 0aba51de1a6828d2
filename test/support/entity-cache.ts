// Test helpers for the entity cache: its counters from a gateway's /metrics, and a second gateway on a stack.
import { parseConfig } from "../../gateway/config.ts";
import { buildGateway, type Gateway } from "../../gateway/server.ts";
import { silentLogger } from "../../platform/logger.ts";
import { testEnv } from "./config.ts";
import type { Stack } from "./stack.ts";

/** tributary_entity_cache_requests_total for one result, summed over the types given (all when none). */
export async function cacheRequests(graphqlUrl: string, result: string, types?: string[]): Promise<number> {
  const text = await (await fetch(graphqlUrl.replace(/\/graphql$/, "/metrics"))).text();
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith("tributary_entity_cache_requests_total{")) continue;
    const labels = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (labels.result !== result || (types && !types.includes(labels.type ?? ""))) continue;
    total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

/** Another gateway instance in front of the same subgraphs and broker, as a second replica would be. */
export async function extraGateway(
  stack: Stack,
  env: Record<string, string> = {},
): Promise<{ gateway: Gateway; url: string }> {
  const config = parseConfig(
    testEnv({
      SUPERGRAPH_PATH: new URL("../../schemas/supergraph.graphql", import.meta.url).pathname,
      SUPERGRAPH_WATCH: "false",
      KAFKA_BROKERS: stack.broker.brokers.join(","),
      SUBGRAPH_URLS: [...stack.subgraphs].map(([name, s]) => `${name}=${s.url}`).join(","),
      ...env,
    }),
  );
  const gateway = await buildGateway(config, { logger: silentLogger });
  const { url } = await gateway.listen(0, "127.0.0.1");
  await gateway.whenConsuming();
  return { gateway, url };
}

// The six subgraphs and where they listen by default: the gateway's port plus one, two, ...
export const SUBGRAPH_NAMES = ["accounts", "catalog", "orders", "inventory", "blog", "feed"] as const;

export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

export const DEFAULT_GATEWAY_PORT = 4000;
export const DEFAULT_BROKER_PORT = 9092;

export function isSubgraphName(name: string): name is SubgraphName {
  return (SUBGRAPH_NAMES as readonly string[]).includes(name);
}

/** accounts = gateway + 1, catalog = gateway + 2, ... feed = gateway + 6. */
export function defaultSubgraphPort(name: SubgraphName, gatewayPort = DEFAULT_GATEWAY_PORT): number {
  return gatewayPort + 1 + SUBGRAPH_NAMES.indexOf(name);
}

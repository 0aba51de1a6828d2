// Finds a subgraph's module by name; each subgraphs/<name>/server.ts default-exports its SubgraphModule.
import type { SubgraphName } from "../platform/topology.ts";
import type { AnySubgraphModule } from "./kit/module.ts";

export async function loadSubgraph(name: SubgraphName): Promise<AnySubgraphModule> {
  const module = (await import(`./${name}/server.ts`)) as { default: AnySubgraphModule };
  return module.default;
}

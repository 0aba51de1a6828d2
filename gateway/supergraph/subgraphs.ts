// Reads the subgraph list (name + routing_url) out of a composed supergraph, with the configured overrides.
import { Kind, parse, valueFromASTUntyped } from "graphql";

export interface SubgraphEndpoint {
  name: string;
  url: string;
}

export function subgraphEndpoints(
  supergraphSdl: string,
  overrides: Record<string, string> = {},
): SubgraphEndpoint[] {
  const endpoints: SubgraphEndpoint[] = [];
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== "join__Graph") continue;
    for (const value of definition.values ?? []) {
      const graph = value.directives?.find((d) => d.name.value === "join__graph");
      const args = Object.fromEntries(
        (graph?.arguments ?? []).map((a) => [a.name.value, valueFromASTUntyped(a.value)] as const),
      );
      if (typeof args.name !== "string") continue;
      endpoints.push({ name: args.name, url: overrides[args.name] ?? String(args.url ?? "") });
    }
  }
  return endpoints;
}

// Reads supergraph.yaml (Rover's format): subgraph name -> routing_url + SDL file.
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

const configSchema = z.object({
  federation_version: z.string(),
  subgraphs: z.record(
    z.string(),
    z.object({ routing_url: z.string().url(), schema: z.object({ file: z.string() }) }),
  ),
});

export interface SubgraphSource {
  name: string;
  url: string;
  file: string;
  sdl: string;
}

export function readSupergraphConfig(configPath: string): SubgraphSource[] {
  const config = configSchema.parse(parseYaml(readFileSync(configPath, "utf8")));
  const root = dirname(resolve(configPath));
  return Object.entries(config.subgraphs).map(([name, subgraph]) => {
    const file = resolve(root, subgraph.schema.file);
    return { name, url: subgraph.routing_url, file, sdl: readFileSync(file, "utf8") };
  });
}

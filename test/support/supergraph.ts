// Composes test subgraphs into a supergraph file the way `npm run compose` does for the real ones.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { composeServices } from "@apollo/composition";
import { type DocumentNode, parse } from "graphql";

export interface ServiceInput {
  name: string;
  url: string;
  typeDefs: DocumentNode | string;
}

export function composeSupergraph(services: ServiceInput[]): string {
  const result = composeServices(
    services.map(({ name, url, typeDefs }) => ({
      name,
      url,
      typeDefs: typeof typeDefs === "string" ? parse(typeDefs) : typeDefs,
    })),
  );
  if (result.errors) throw new Error(`composition failed: ${result.errors.map((e) => e.message).join("; ")}`);
  return result.supergraphSdl;
}

/** A fresh directory holding `supergraph.graphql`; returns the file's path. */
export async function writeSupergraph(sdl: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "tributary-gateway-"));
  const path = join(dir, "supergraph.graphql");
  await writeFile(path, sdl);
  return path;
}

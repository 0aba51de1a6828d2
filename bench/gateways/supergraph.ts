// The one supergraph every measured gateway loads: the committed composition, pointed at the bench's subgraphs.
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { withSubgraphEnforcedSecurity } from "../../gateway/supergraph/security-links.ts";
import { SUBGRAPH_NAMES } from "../../platform/topology.ts";

/**
 * Rewrites each `join__graph(name:, url:)` to the bench's port for that subgraph. Security links lose
 * `for: SECURITY` exactly as Tributary's own loader does (bare @apollo/gateway refuses them otherwise),
 * so every gateway plans over the same text; the subgraphs enforce @authenticated/@requiresScopes.
 */
export function benchSupergraph(sdl: string, urls: Record<string, string>): string {
  const rewritten = sdl.replace(/join__graph\(name: "([^"]+)", url: "[^"]*"\)/g, (_match, name: string) => {
    const url = urls[name];
    if (!url) throw new Error(`no bench URL for subgraph ${name}`);
    return `join__graph(name: "${name}", url: "${url}")`;
  });
  return withSubgraphEnforcedSecurity(rewritten);
}

/**
 * Writes the bench's supergraph, with each subgraph's SDL beside it as in schemas/: Tributary's entity cache
 * reads the subgraphs' @cacheable declarations from there.
 */
export function writeBenchSupergraph(source: string, target: string, urls: Record<string, string>): void {
  writeFileSync(target, benchSupergraph(readFileSync(source, "utf8"), urls));
  for (const name of SUBGRAPH_NAMES) {
    const sdl = join(dirname(source), `${name}.graphql`);
    if (existsSync(sdl)) copyFileSync(sdl, join(dirname(target), `${name}.graphql`));
  }
}

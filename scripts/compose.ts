// `npm run compose`: composes supergraph.yaml into schemas/supergraph.graphql with @apollo/composition.
// `--check` only verifies the committed file is up to date (CI).
import { readFileSync, writeFileSync } from "node:fs";
import { composeServices } from "@apollo/composition";
import { parse } from "graphql";
import { readSupergraphConfig } from "./supergraph-config.ts";

const CONFIG = "supergraph.yaml";
const OUTPUT = "schemas/supergraph.graphql";

export function composeSupergraph(configPath = CONFIG): { sdl?: string; errors: string[]; hints: string[] } {
  const sources = readSupergraphConfig(configPath);
  const result = composeServices(
    sources.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl, { noLocation: false }) })),
  );
  const hints = (result.hints ?? []).map((h) => `${h.definition.code}: ${h.message}`);
  if (result.errors) {
    const errors = result.errors.map((e) => {
      const code = (e.extensions?.code as string | undefined) ?? "COMPOSITION_ERROR";
      return `${code}: ${e.message}\n  hint: check the subgraph named in brackets; see https://www.apollographql.com/docs/graphos/reference/federation/errors#${code.toLowerCase()}`;
    });
    return { errors, hints };
  }
  return { sdl: `${result.supergraphSdl.trimEnd()}\n`, errors: [], hints };
}

function main(): void {
  const check = process.argv.includes("--check");
  const { sdl, errors, hints } = composeSupergraph();
  for (const hint of hints) console.warn(`hint ${hint}`);
  if (!sdl) {
    console.error(`Composition failed with ${errors.length} error(s):`);
    for (const error of errors) console.error(`- ${error}`);
    process.exit(1);
  }
  if (check) {
    const committed = readFileSync(OUTPUT, "utf8");
    if (committed !== sdl) {
      console.error(`${OUTPUT} is stale: run \`npm run compose\` and commit the result.`);
      process.exit(1);
    }
    console.log(`${OUTPUT} is up to date.`);
    return;
  }
  writeFileSync(OUTPUT, sdl);
  console.log(`Composed ${OUTPUT} from ${CONFIG}.`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();

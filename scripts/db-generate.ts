// `npm run db:generate [-- <subgraph> ...] [--name <migration>]`: drizzle-kit SQL migrations from each db/schema.ts.
import { spawnSync } from "node:child_process";
import { isSubgraphName, SUBGRAPH_NAMES } from "../platform/topology.ts";

const args = process.argv.slice(2);
const nameAt = args.indexOf("--name");
const migrationName = nameAt >= 0 ? args[nameAt + 1] : undefined;
const requested = args.filter((a, i) => !a.startsWith("--") && (nameAt < 0 || i !== nameAt + 1));
const unknown = requested.filter((n) => !isSubgraphName(n));
if (unknown.length > 0) {
  console.error(`Unknown subgraph(s): ${unknown.join(", ")}. Known: ${SUBGRAPH_NAMES.join(", ")}`);
  process.exit(1);
}

for (const name of requested.length > 0 ? requested : SUBGRAPH_NAMES) {
  const result = spawnSync(
    "npx",
    [
      "drizzle-kit",
      "generate",
      "--dialect=postgresql",
      `--schema=subgraphs/${name}/db/schema.ts`,
      `--out=subgraphs/${name}/migrations`,
      ...(migrationName ? [`--name=${migrationName}`] : []),
    ],
    { stdio: "inherit" },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// `node --import tsx scripts/subgraphs.ts [name...]`: several subgraphs in one process, as `npm start` runs
// them by default (subgraphs/kit/host.ts); all six when no name is given.
import { isSubgraphName, SUBGRAPH_NAMES, type SubgraphName } from "../platform/topology.ts";
import { runSubgraphHost } from "../subgraphs/kit/host.ts";

const names = process.argv.slice(2);
const unknown = names.filter((name) => !isSubgraphName(name));
if (unknown.length > 0) {
  console.error(`Unknown subgraph ${unknown.join(", ")}; the subgraphs are: ${SUBGRAPH_NAMES.join(", ")}`);
  process.exit(1);
}
runSubgraphHost(names.length > 0 ? (names as SubgraphName[]) : SUBGRAPH_NAMES);

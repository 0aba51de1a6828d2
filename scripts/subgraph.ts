// `npm run subgraph -- <name>`: runs one subgraph alone, as `npm start` runs each of them.
import { isSubgraphName, SUBGRAPH_NAMES } from "../platform/topology.ts";
import { runSubgraphProcess } from "../subgraphs/kit/process.ts";
import { loadSubgraph } from "../subgraphs/registry.ts";

const name = process.argv[2] ?? "";
if (!isSubgraphName(name)) {
  console.error(`Usage: npm run subgraph -- <name>, where name is one of: ${SUBGRAPH_NAMES.join(", ")}`);
  process.exit(1);
}
await runSubgraphProcess(await loadSubgraph(name));

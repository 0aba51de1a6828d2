// Entry point: `npm run subgraph -- catalog` runs it alone.
import { runSubgraphProcess } from "../kit/process.ts";
import { catalog } from "./server.ts";

await runSubgraphProcess(catalog);

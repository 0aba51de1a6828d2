// Entry point: `npm run subgraph -- inventory` runs it alone.
import { runSubgraphProcess } from "../kit/process.ts";
import { inventory } from "./server.ts";

await runSubgraphProcess(inventory);

// `npm start`: compiles the parts to JavaScript bundles (reused while no source changed), then runs the whole
// stack from them. This process is the only one that still starts through tsx, and it loads little itself.
import { fileURLToPath } from "node:url";
import { prepareLaunchers } from "./start/launchers.ts";
import { outputMode, startOutput } from "./start/output.ts";

// A terminal gets human lines; a pipe or LOG_FORMAT=json gets JSON lines (scripts/start/output.ts).
const mode = outputMode(process.env, process.stdout.isTTY);
const { say } = startOutput(mode, "");
const { stack, ...launchers } = await prepareLaunchers(fileURLToPath(new URL("../", import.meta.url)), say);
const { runStack } = (await import(stack)) as typeof import("./start/stack.ts");
await runStack(launchers, mode);

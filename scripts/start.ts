// `npm start`: compiles the parts to JavaScript bundles (reused while no source changed), then runs the whole
// stack from them. This process is the only one that still starts through tsx, and it loads little itself.
import { fileURLToPath } from "node:url";
import { prepareLaunchers } from "./start/launchers.ts";

const say = (line: string) => console.log(`[start] ${line}`);
const { stack, ...launchers } = await prepareLaunchers(fileURLToPath(new URL("../", import.meta.url)), say);
const { runStack } = (await import(stack)) as typeof import("./start/stack.ts");
await runStack(launchers, say);

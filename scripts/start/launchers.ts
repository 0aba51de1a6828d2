// How `npm start` runs each kind of part: from a compiled bundle when esbuild can build one, through tsx
// otherwise, so a failed build costs start-up time but never the start itself.
import { createHash } from "node:crypto";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { GATEWAY_NODE_FLAGS } from "../../gateway/node-flags.ts";
import { compileEntries } from "./compile.ts";

export interface Launcher {
  /** Script to fork, absolute or relative to the repository root. */
  script: string;
  execArgv: string[];
}

/** One subgraph per process, all subgraphs in one process, or the gateway. */
export type PartKind = "subgraph" | "subgraphs" | "gateway";

export interface Launchers extends Record<PartKind, Launcher> {
  /** URL of the module exporting runStack (scripts/start/stack.ts or its bundle), for import(). */
  stack: string;
}

const ENTRIES = {
  subgraph: "scripts/subgraph.ts",
  subgraphs: "scripts/subgraphs.ts",
  gateway: "gateway/index.ts",
  stack: "scripts/start/stack.ts",
} as const;

/** The gateway's V8 flags (why: gateway/node-flags.ts); the subgraphs run with Node's defaults. */
const flagsOf = (kind: PartKind): readonly string[] => (kind === "gateway" ? GATEWAY_NODE_FLAGS : []);

/**
 * node_modules/.cache is where tools keep build caches, and bundles there still resolve our dependencies.
 * One directory per checkout: worktrees may share node_modules, and a bundle names its checkout's files.
 */
export const cacheDirOf = (root: string) =>
  join(
    root,
    "node_modules",
    ".cache",
    "tributary-start",
    createHash("sha256").update(root).digest("hex").slice(0, 12),
  );

export async function prepareLaunchers(
  root: string,
  say: (line: string) => void,
  cacheDir = cacheDirOf(root),
): Promise<Launchers> {
  const startedAt = Date.now();
  try {
    const { bundles, built } = await compileEntries({ root, entries: ENTRIES, cacheDir });
    if (built)
      say(`compiled the start script, the subgraphs and the gateway in ${Date.now() - startedAt} ms`);
    const compiled = (kind: PartKind): Launcher => ({
      script: bundles[kind]!,
      // Stack traces still point at the TypeScript sources.
      execArgv: ["--enable-source-maps", ...flagsOf(kind)],
    });
    return {
      subgraph: compiled("subgraph"),
      subgraphs: compiled("subgraphs"),
      gateway: compiled("gateway"),
      stack: pathToFileURL(bundles.stack!).href,
    };
  } catch (error) {
    say(`✖ could not compile the entry points (${(error as Error).message}); running them through tsx`);
    const throughTsx = (kind: PartKind): Launcher => ({
      script: ENTRIES[kind],
      execArgv: [...flagsOf(kind), "--import", "tsx"],
    });
    return {
      subgraph: throughTsx("subgraph"),
      subgraphs: throughTsx("subgraphs"),
      gateway: throughTsx("gateway"),
      stack: pathToFileURL(join(root, ENTRIES.stack)).href,
    };
  }
}

// How `npm start` runs each kind of part: from a compiled bundle when esbuild can build one, through tsx
// otherwise, so a failed build costs start-up time but never the start itself.
import { join } from "node:path";
import { compileEntries } from "./compile.ts";

export interface Launcher {
  /** Script to fork, absolute or relative to the repository root. */
  script: string;
  execArgv: string[];
}

export type PartKind = "subgraph" | "gateway";

const ENTRIES: Record<PartKind, string> = {
  subgraph: "scripts/subgraph.ts",
  gateway: "gateway/index.ts",
};

/** node_modules/.cache is where tools keep build caches; bundles there still resolve our dependencies. */
export const cacheDirOf = (root: string) => join(root, "node_modules", ".cache", "tributary-start");

export async function prepareLaunchers(
  root: string,
  say: (line: string) => void,
  cacheDir = cacheDirOf(root),
): Promise<Record<PartKind, Launcher>> {
  const startedAt = Date.now();
  try {
    const { bundles, built } = await compileEntries({ root, entries: ENTRIES, cacheDir });
    if (built) say(`compiled the subgraph and gateway entry points in ${Date.now() - startedAt} ms`);
    const compiled = (kind: PartKind): Launcher => ({
      script: bundles[kind]!,
      // Stack traces still point at the TypeScript sources.
      execArgv: ["--enable-source-maps"],
    });
    return { subgraph: compiled("subgraph"), gateway: compiled("gateway") };
  } catch (error) {
    say(`✖ could not compile the entry points (${(error as Error).message}); running them through tsx`);
    const throughTsx = (kind: PartKind): Launcher => ({
      script: ENTRIES[kind],
      execArgv: ["--import", "tsx"],
    });
    return { subgraph: throughTsx("subgraph"), gateway: throughTsx("gateway") };
  }
}

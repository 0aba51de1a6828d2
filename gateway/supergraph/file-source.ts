// The supergraph comes from a file the gateway watches: a change is applied live, a broken one is refused.
import { watch } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import type { SupergraphSdlHook, SupergraphSdlUpdateFunction } from "@apollo/gateway";
import type { Logger } from "../../platform/logger.ts";
import { withSubgraphEnforcedSecurity } from "./security-links.ts";

export interface FileSupergraphOptions {
  path: string;
  logger: Logger;
  watch?: boolean;
  debounceMs?: number;
}

export interface FileSupergraph {
  /** Pass as ApolloGateway's `supergraphSdl`. */
  hook: SupergraphSdlHook;
  /** Reads the file now and applies it if it changed; false when it was broken (the old one stays). */
  reload(): Promise<boolean>;
}

export function fileSupergraph(options: FileSupergraphOptions): FileSupergraph {
  const path = resolve(options.path);
  const debounceMs = options.debounceMs ?? 200;
  const logger = options.logger;
  let update: SupergraphSdlUpdateFunction | undefined;
  let current = "";
  // One reload at a time: Apollo refuses `update` while it is still applying the previous one.
  let queue: Promise<boolean> = Promise.resolve(true);

  async function apply(): Promise<boolean> {
    let sdl: string;
    try {
      sdl = await readFile(path, "utf8");
    } catch (error) {
      logger.error({ err: error, path }, "cannot read the supergraph; keeping the current one");
      return false;
    }
    if (sdl === current || !update) return true;
    try {
      update(withSubgraphEnforcedSecurity(sdl));
      current = sdl;
      logger.info({ path }, "supergraph reloaded");
      return true;
    } catch (error) {
      logger.error({ err: error, path }, "the new supergraph is broken; keeping the current one");
      return false;
    }
  }

  const reload = () => {
    queue = queue.then(apply);
    return queue;
  };

  const hook: SupergraphSdlHook = async ({ update: apolloUpdate }) => {
    update = apolloUpdate;
    current = await readFile(path, "utf8");
    if (options.watch === false) return { supergraphSdl: withSubgraphEnforcedSecurity(current) };
    let timer: NodeJS.Timeout | undefined;
    // Watch the directory, not the file: editors and `compose` replace the file, which ends a file watch.
    const watcher = watch(dirname(path), (_event, filename) => {
      if (filename !== basename(path)) return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), debounceMs);
    });
    watcher.on("error", (error) =>
      logger.warn({ err: error, path }, "supergraph watch failed; reload by restart"),
    );
    const cleanup = async () => {
      clearTimeout(timer);
      watcher.close();
      update = undefined;
    };
    return { supergraphSdl: withSubgraphEnforcedSecurity(current), cleanup };
  };

  return { hook, reload };
}

// One subgraph as production runs it (`scripts/subgraph.ts <name>`, its own process, PGlite in a temp dir or a
// throwaway database on DATABASE_URL's server), with its CPU time read from /proc between two moments.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { SubgraphName } from "../../platform/topology.ts";
import { databaseUrlFor } from "../../subgraphs/kit/config.ts";
import { dropDatabase } from "../../subgraphs/kit/database.ts";
import {
  cpuMsOf,
  freePort,
  outputTail,
  ROOT,
  stopProcess,
  waitUntilAnswering,
} from "../gateways/processes.ts";

export interface SubgraphProcess {
  url: string;
  pid: number;
  /** User + system CPU the process (all its threads) has used so far, in ms (10 ms resolution). */
  cpuMs(): number;
  /** Throws, with its last output, if it has exited: numbers measured without it mean nothing. */
  assertAlive(): void;
  stop(): Promise<void>;
}

export interface StartOptions {
  name: SubgraphName;
  env: Record<string, string>;
  /** PGlite's data directory parent. */
  dataDir: string;
  /** Where `--cpu-prof` writes the profile when the process exits; unset means no profile. */
  cpuProfileDir?: string;
}

export async function startSubgraphProcess(options: StartOptions): Promise<SubgraphProcess> {
  const { name } = options;
  const port = await freePort();
  // As test/support/config.ts does: a throwaway database of its own on the machine's Postgres, if one is set.
  const serverUrl = process.env.DATABASE_URL;
  const databaseUrl = serverUrl
    ? databaseUrlFor(serverUrl, `bench_${name}_${randomBytes(5).toString("hex")}`)
    : undefined;
  const profiling = options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const child: ChildProcess = spawn(
    process.execPath,
    [...profiling, "--import", "tsx", "scripts/subgraph.ts", name],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        HOST: "127.0.0.1",
        [`${name.toUpperCase()}_PORT`]: String(port),
        ...(databaseUrl ? { [`${name.toUpperCase()}_DATABASE_URL`]: databaseUrl } : {}),
        DATA_DIR: options.dataDir,
        LOG_LEVEL: "warn",
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const output = outputTail(child);
  const proc = { name, child, output };
  const url = `http://127.0.0.1:${port}/graphql`;
  await waitUntilAnswering(url.replace("/graphql", "/health"), proc);
  return {
    url,
    pid: child.pid!,
    cpuMs: () => cpuMsOf(child.pid!),
    assertAlive() {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`${name} exited (${child.signalCode ?? child.exitCode}):\n${output()}`);
    },
    async stop() {
      // SIGTERM: the subgraph's own shutdown, which also lets --cpu-prof write its profile.
      await stopProcess(proc, 10_000);
      if (databaseUrl) await dropDatabase(databaseUrl).catch(() => {});
    },
  };
}

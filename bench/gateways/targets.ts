// The gateways measured side by side, and the subgraph measured alone as the ceiling.
import { GATEWAY_NODE_FLAGS } from "../../gateway/node-flags.ts";
import { type Launcher, prepareLaunchers } from "../../scripts/start/launchers.ts";
import type { PinnedProcess } from "./processes.ts";
import { GATEWAY_CORE, ROOT, startPinned } from "./processes.ts";

export type TargetName =
  | "tributary"
  | "tributary-unshared"
  | "tributary-cache-off"
  | "tributary-bundle"
  | "apollo"
  | "hive"
  | "hive-router"
  | "subgraph";

export interface Target {
  name: TargetName;
  label: string;
  /** Measured only when named in --targets. */
  optional?: boolean;
  /** An optional target measured by default in `--vary-inputs` runs. */
  inVariedRuns?: boolean;
  /** Tributary's own gateway: the mixed run (its stockChanged subscription, its cache metrics) applies. */
  tributary?: boolean;
  /** Runs once before the stack starts (e.g. a build). */
  prepare?(say: (line: string) => void): Promise<void>;
  /** Starts the gateway on `port` over the bench supergraph; undefined for the subgraph measured directly. */
  start?(options: StartOptions): PinnedProcess;
}

export interface StartOptions {
  port: number;
  supergraphPath: string;
  env: Record<string, string>;
  /** Adds `--cpu-prof` into this directory (profiling runs). */
  cpuProfDir?: string;
}

const node = (options: StartOptions, ...args: string[]) => [
  process.execPath,
  ...(options.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfDir}`] : []),
  ...args,
];

function hive(name: "hive" | "hive-router", label: string, extra: string[]): Target {
  return {
    name,
    label,
    start: (o) =>
      startPinned(
        name,
        GATEWAY_CORE,
        node(
          o,
          "node_modules/@graphql-hive/gateway/dist/bin.js",
          "supergraph",
          o.supergraphPath,
          "--host",
          "127.0.0.1",
          "--port",
          String(o.port),
          "--config-path",
          "bench/gateways/hive.config.ts",
          ...extra,
        ),
        { ...o.env, NODE_ENV: "production" },
      ),
  };
}

const tributaryEnv = (o: StartOptions, extra: Record<string, string> = {}) => ({
  ...o.env,
  NODE_ENV: "production",
  GATEWAY_HOST: "127.0.0.1",
  GATEWAY_PORT: String(o.port),
  SUPERGRAPH_PATH: o.supergraphPath,
  // Per-client-IP limits exist to stop exactly what a load generator on one IP does.
  RATE_LIMIT_ENABLED: "false",
  LOG_LEVEL: "warn",
  ...extra,
});

function tributary(
  name: "tributary" | "tributary-unshared" | "tributary-cache-off",
  label: string,
  extra: Record<string, string>,
  only: Pick<Target, "optional" | "inVariedRuns"> = {},
): Target {
  return {
    name,
    label,
    tributary: true,
    ...only,
    start: (o) =>
      // Started as `npm run gateway` starts it, V8 flags included.
      startPinned(
        name,
        GATEWAY_CORE,
        node(o, ...GATEWAY_NODE_FLAGS, "--import", "tsx", "gateway/index.ts"),
        tributaryEnv(o, extra),
      ),
  };
}

/** The gateway as `npm start` runs it: its compiled bundle and flags (scripts/start/launchers.ts). */
function tributaryBundle(): Target {
  let launcher: Launcher | undefined;
  return {
    name: "tributary-bundle",
    label: "Tributary, npm start's bundle",
    optional: true,
    tributary: true,
    async prepare(say) {
      launcher = (await prepareLaunchers(ROOT, say)).gateway;
    },
    start: (o) => {
      if (!launcher) throw new Error("tributary-bundle started before it was prepared");
      return startPinned(
        "tributary-bundle",
        GATEWAY_CORE,
        node(o, ...launcher.execArgv, launcher.script),
        tributaryEnv(o),
      );
    },
  };
}

export const TARGETS: Target[] = [
  tributary("tributary", "Tributary", {}),
  // The same gateway with identical in-flight queries not shared: what the rest of its work is worth alone.
  tributary("tributary-unshared", "Tributary, fetch sharing off", { SHARE_SUBGRAPH_FETCHES: "false" }),
  // The entity cache's worth: measured where it matters, on varied inputs (or when named).
  tributary(
    "tributary-cache-off",
    "Tributary, entity cache off",
    { ENTITY_CACHE: "false" },
    { optional: true, inVariedRuns: true },
  ),
  // What `npm start` users run; measured on request (--targets=tributary,tributary-bundle).
  tributaryBundle(),
  {
    name: "apollo",
    label: "@apollo/gateway",
    start: (o) =>
      startPinned(
        "apollo",
        GATEWAY_CORE,
        node(o, "--import", "tsx", "bench/gateways/apollo-reference.ts", o.supergraphPath, String(o.port)),
        { ...o.env, NODE_ENV: "production" },
      ),
  },
  hive("hive", "Hive Gateway", []),
  hive("hive-router", "Hive Gateway + router runtime", ["--hive-router-runtime"]),
  { name: "subgraph", label: "subgraph alone (ceiling)" },
];

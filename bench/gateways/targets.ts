// The gateways measured side by side, and the subgraph measured alone as the ceiling.
import { GATEWAY_NODE_FLAGS } from "../../gateway/node-flags.ts";
import type { PinnedProcess } from "./processes.ts";
import { GATEWAY_CORE, startPinned } from "./processes.ts";

export type TargetName = "tributary" | "tributary-unshared" | "apollo" | "hive" | "hive-router" | "subgraph";

export interface Target {
  name: TargetName;
  label: string;
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

function tributary(
  name: "tributary" | "tributary-unshared",
  label: string,
  extra: Record<string, string>,
): Target {
  return {
    name,
    label,
    start: (o) =>
      // Started as `npm run gateway` starts it, V8 flags included.
      startPinned(name, GATEWAY_CORE, node(o, ...GATEWAY_NODE_FLAGS, "--import", "tsx", "gateway/index.ts"), {
        ...o.env,
        NODE_ENV: "production",
        GATEWAY_HOST: "127.0.0.1",
        GATEWAY_PORT: String(o.port),
        SUPERGRAPH_PATH: o.supergraphPath,
        // Per-client-IP limits exist to stop exactly what a load generator on one IP does.
        RATE_LIMIT_ENABLED: "false",
        LOG_LEVEL: "warn",
        ...extra,
      }),
  };
}

export const TARGETS: Target[] = [
  tributary("tributary", "Tributary", {}),
  // The same gateway with identical in-flight queries not shared: what the rest of its work is worth alone.
  tributary("tributary-unshared", "Tributary, fetch sharing off", { SHARE_SUBGRAPH_FETCHES: "false" }),
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

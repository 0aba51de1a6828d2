// Loads one operation from the load worker's process and reads the subgraph's CPU across the measured run only.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { GATEWAY_SECRET_HEADER } from "../../platform/auth/gateway-secret.ts";
import type { LoadResult, LoadSpec } from "../gateways/load-worker.ts";
import { ROOT } from "../gateways/processes.ts";
import type { Call } from "./operations.ts";
import type { SubgraphProcess } from "./subgraph-process.ts";

export interface LoadSettings {
  /** Sent as the gateway sends it, so production subgraphs answer. */
  gatewaySecret?: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
}

export interface Measurement extends LoadResult {
  /** The subgraph process's CPU (all threads) during the measured run, divided by the requests answered. */
  cpuMsPerRequest: number;
  /** The subgraph's CPU as a share of one core during the run. */
  cpuCores: number;
}

export function measure(subgraph: SubgraphProcess, call: Call, settings: LoadSettings): Promise<Measurement> {
  const { gatewaySecret, ...load } = settings;
  const spec: LoadSpec = {
    url: subgraph.url,
    headers: {
      "content-type": "application/json",
      ...(call.token ? { authorization: `Bearer ${call.token}` } : {}),
      // The bench stands where the gateway does: production subgraphs answer no one else.
      ...(gatewaySecret ? { [GATEWAY_SECRET_HEADER]: gatewaySecret } : {}),
    },
    body: JSON.stringify({ query: call.query, variables: call.variables ?? {} }),
    ...load,
  };
  const worker = spawn(
    process.execPath,
    ["--import", "tsx", "bench/gateways/load-worker.ts", JSON.stringify(spec)],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((resolve, reject) => {
    let cpuAtStart = 0;
    let startedAt = 0;
    let result: Measurement | undefined;
    createInterface({ input: worker.stdout! }).on("line", (line) => {
      if (line === "measuring") {
        cpuAtStart = subgraph.cpuMs();
        startedAt = performance.now();
        return;
      }
      const cpu = subgraph.cpuMs() - cpuAtStart;
      const elapsed = performance.now() - startedAt;
      const loadResult = JSON.parse(line) as LoadResult;
      result = {
        ...loadResult,
        cpuMsPerRequest: loadResult.requests > 0 ? cpu / loadResult.requests : Number.NaN,
        cpuCores: cpu / elapsed,
      };
    });
    worker.on("error", reject);
    worker.on("exit", (code) => {
      if (result) resolve(result);
      else reject(new Error(`the load worker exited with ${code} before reporting`));
    });
  });
}

// `npm run health`: /health and /ready of the gateway and /health of each subgraph, as a table.
import { defaultSubgraphPort, SUBGRAPH_NAMES } from "../../platform/topology.ts";
import { parseOpsConfig } from "./config.ts";
import { formatTable } from "./table.ts";

const config = parseOpsConfig(process.env);
const base = (port: number) => `http://${config.host}:${port}`;
const probes: { service: string; url: string }[] = [
  { service: "gateway", url: `${base(config.gatewayPort)}/health` },
  { service: "gateway", url: `${base(config.gatewayPort)}/ready` },
  ...SUBGRAPH_NAMES.map((name) => ({
    service: name,
    url: `${base(defaultSubgraphPort(name, config.gatewayPort))}/health`,
  })),
];

async function probe(url: string): Promise<{ ok: boolean; status: string; ms: number }> {
  const started = performance.now();
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(config.healthTimeoutMs) });
    await response.arrayBuffer();
    return { ok: response.ok, status: String(response.status), ms: performance.now() - started };
  } catch (error) {
    const reason = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    return { ok: false, status: reason, ms: performance.now() - started };
  }
}

const results = await Promise.all(probes.map(async (p) => ({ ...p, ...(await probe(p.url)) })));
console.log(
  formatTable([
    ["service", "url", "status", "ms", "result"],
    ...results.map((r) => [r.service, r.url, r.status, r.ms.toFixed(0), r.ok ? "ok" : "FAIL"]),
  ]),
);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;

// `npm run doctor`: is this machine ready to run Tributary? Says what is missing and how to fix it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultSubgraphPort, SUBGRAPH_NAMES } from "../platform/topology.ts";
import { brokersOf, parseOpsConfig } from "./ops/config.ts";
import {
  type CheckResult,
  dataDirCheck,
  dependenciesCheck,
  endpointOf,
  nodeCheck,
  npmCheck,
  portCheck,
  serviceCheck,
  summarize,
  toolCheck,
} from "./ops/doctor-checks.ts";
import { canConnect, commandOutput, isPortFree, isWritable } from "./ops/probes.ts";

const root = join(import.meta.dirname, "..");
const config = parseOpsConfig(process.env);
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { engines?: { node?: string } };

const results: CheckResult[] = [
  nodeCheck(process.version, pkg.engines?.node ?? ">=20.11"),
  npmCheck(commandOutput("npm", ["--version"])),
  dependenciesCheck(existsSync(join(root, "node_modules", ".package-lock.json"))),
];

const ports: [string, number][] = [
  ["gateway", config.gatewayPort],
  ...SUBGRAPH_NAMES.map((name): [string, number] => [name, defaultSubgraphPort(name, config.gatewayPort)]),
];
if (!config.kafkaBrokers) ports.push(["embedded broker", config.brokerPort]);
for (const [label, port] of ports) results.push(portCheck(label, port, await isPortFree(port)));

results.push(dataDirCheck(config.dataDir, isWritable(config.dataDir)));

const services: [string, string | undefined][] = [
  ["DATABASE_URL", config.databaseUrl],
  ["KAFKA_BROKERS", config.kafkaBrokers ? brokersOf(config)[0] : undefined],
  ["REDIS_URL", config.redisUrl],
];
for (const [variable, address] of services) {
  if (!address) continue;
  const endpoint = endpointOf(address);
  const reachable = endpoint ? await canConnect(endpoint.host, endpoint.port) : false;
  results.push(serviceCheck(variable, address, reachable));
}

results.push(toolCheck("kcat", commandOutput("kcat", ["-V"]) !== null, "the broker's kcat tests"));
results.push(toolCheck("docker", commandOutput("docker", ["--version"]) !== null, "`npm run up`"));

const { lines, exitCode } = summarize(results);
console.log(lines.join("\n"));
process.exitCode = exitCode;

// `npm run doctor`: is this machine ready to run Tributary? Says what is missing and how to fix it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defaultSubgraphPort, SUBGRAPH_NAMES } from "../platform/topology.ts";
import { brokersOf, parseOpsConfig } from "./ops/config.ts";
import {
  type CheckResult,
  composeCheck,
  dataDirCheck,
  dependenciesCheck,
  endpointOf,
  identifyTributary,
  nodeCheck,
  npmCheck,
  portCheck,
  serviceCheck,
  summarize,
  toolCheck,
} from "./ops/doctor-checks.ts";
import { canConnect, commandOutput, healthBodies, isPortFree, isWritable } from "./ops/probes.ts";

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
// A taken port may be Tributary itself, already running: that is no reason to fail.
const [gatewayHealth, gatewayReady] = await healthBodies(config.gatewayPort);
const ownGateway = identifyTributary(gatewayHealth, gatewayReady) === "gateway";
for (const [label, port] of ports) {
  const free = await isPortFree(port);
  results.push(
    portCheck(
      label,
      port,
      free,
      free ? undefined : (identifyTributary(...(await healthBodies(port))) ?? undefined),
    ),
  );
}
if (!config.kafkaBrokers) {
  const free = await isPortFree(config.brokerPort);
  // The broker speaks Kafka, not HTTP: it is ours when our gateway runs beside it.
  const running = !free && ownGateway ? "embedded broker" : undefined;
  results.push(portCheck("embedded broker", config.brokerPort, free, running));
}

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
results.push(
  composeCheck(
    commandOutput("docker", ["--version"]),
    commandOutput("docker", ["compose", "version"]),
    commandOutput("docker-compose", ["--version"]),
  ),
);

const { lines, exitCode } = summarize(results);
console.log(lines.join("\n"));
process.exitCode = exitCode;

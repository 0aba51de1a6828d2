// The environment `npm start` gives the parts it forks: the caller's own, plus where the others are.
import { defaultSubgraphPort, SUBGRAPH_NAMES, type SubgraphName } from "../../platform/topology.ts";

export interface PartEnvOptions {
  kafkaBrokers: string;
  gatewayPort: number;
  host: string;
  /** Parts log JSON to a pipe in human mode (to their log files), never pretty-printed. */
  human: boolean;
  /** Whether this start seeds the demo data, which the gateway's /ready then waits for. */
  seed: boolean;
}

export const subgraphUrlOf = (name: SubgraphName, { host, gatewayPort }: PartEnvOptions) =>
  `http://${host}:${defaultSubgraphPort(name, gatewayPort)}`;

/** Every part's environment. */
export function partEnv(base: NodeJS.ProcessEnv, options: PartEnvOptions): NodeJS.ProcessEnv {
  return {
    ...base,
    KAFKA_BROKERS: options.kafkaBrokers,
    GATEWAY_PORT: String(options.gatewayPort),
    ...(options.human ? { LOG_PRETTY: "false" } : {}),
  };
}

/** The gateway's: its subgraphs, and no call outside the machine unless the caller asks for one. */
export function gatewayEnv(base: NodeJS.ProcessEnv, options: PartEnvOptions): NodeJS.ProcessEnv {
  return {
    ...partEnv(base, options),
    SUBGRAPH_URLS: SUBGRAPH_NAMES.map((name) => `${name}=${subgraphUrlOf(name, options)}/graphql`).join(","),
    READY_AFTER_SEED: String(options.seed),
    // @apollo/gateway otherwise probes four clouds' metadata endpoints as it starts and reports usage to
    // Apollo hourly (docs/operations.md): nothing a laptop needs, and each failed probe costs start-up time.
    APOLLO_TELEMETRY_DISABLED: base.APOLLO_TELEMETRY_DISABLED ?? "true",
  };
}

import { describe, expect, it } from "vitest";
import { gatewayEnv, type PartEnvOptions, partEnv } from "./part-env.ts";

const options: PartEnvOptions = {
  kafkaBrokers: "127.0.0.1:9092",
  gatewayPort: 4000,
  host: "127.0.0.1",
  human: true,
  seed: true,
};

describe("what npm start gives the parts it forks", () => {
  it("keeps the caller's environment and says where the broker and the gateway port are", () => {
    const env = partEnv({ LOG_LEVEL: "debug", KAFKA_BROKERS: "elsewhere:1" }, options);
    expect(env).toMatchObject({ LOG_LEVEL: "debug", KAFKA_BROKERS: "127.0.0.1:9092", GATEWAY_PORT: "4000" });
    expect(env.LOG_PRETTY).toBe("false");
    expect(partEnv({}, { ...options, human: false }).LOG_PRETTY).toBeUndefined();
  });

  it("points the gateway at the six subgraphs on the ports after its own", () => {
    const env = gatewayEnv({}, options);
    expect(env.SUBGRAPH_URLS).toBe(
      [
        "accounts=http://127.0.0.1:4001/graphql",
        "catalog=http://127.0.0.1:4002/graphql",
        "orders=http://127.0.0.1:4003/graphql",
        "inventory=http://127.0.0.1:4004/graphql",
        "blog=http://127.0.0.1:4005/graphql",
        "feed=http://127.0.0.1:4006/graphql",
      ].join(","),
    );
    expect(env.READY_AFTER_SEED).toBe("true");
  });

  it("turns @apollo/gateway's outbound telemetry off unless the caller decided", () => {
    expect(gatewayEnv({}, options).APOLLO_TELEMETRY_DISABLED).toBe("true");
    expect(gatewayEnv({ APOLLO_TELEMETRY_DISABLED: "false" }, options).APOLLO_TELEMETRY_DISABLED).toBe(
      "false",
    );
  });
});

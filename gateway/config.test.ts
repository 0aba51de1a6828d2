import { describe, expect, it } from "vitest";
import { DEV_JWT_SECRET, parseConfig } from "./config.ts";

describe("parseConfig", () => {
  it("gives a development gateway on port 4000 with the dev secret, Sandbox and open CORS", () => {
    const config = parseConfig({});
    expect(config.port).toBe(4000);
    expect(config.supergraphPath).toBe("schemas/supergraph.graphql");
    expect(config.tokens).toMatchObject({ algorithm: "HS256", secret: DEV_JWT_SECRET, issuer: "tributary" });
    expect(config.tokens.clockToleranceSeconds).toBe(5);
    expect(config.tokens.accessTokenTtlSeconds).toBe(900);
    expect(config.developerTools).toBe(true);
    expect(config.corsOrigins).toEqual(["*"]);
    expect(config.subscriptions.kafkaBrokers).toEqual(["localhost:9092"]);
  });

  it("gives each gateway instance its own consumer group, so every instance sees every event", () => {
    expect(parseConfig({}).subscriptions.groupId).not.toBe(parseConfig({}).subscriptions.groupId);
  });

  it("reads subgraph URL overrides from SUBGRAPH_URLS and <NAME>_URL, the specific variable winning", () => {
    const config = parseConfig({
      SUBGRAPH_URLS: "accounts=http://a:1/graphql, fixture=http://f:2/graphql",
      ACCOUNTS_URL: "http://override:3/graphql",
    });
    expect(config.subgraphUrls).toEqual({
      accounts: "http://override:3/graphql",
      fixture: "http://f:2/graphql",
    });
  });

  it("rejects a malformed SUBGRAPH_URLS entry", () => {
    expect(() => parseConfig({ SUBGRAPH_URLS: "accounts" })).toThrow(/name=url/);
  });

  it("refuses to start in production with the development secret, saying why", () => {
    expect(() => parseConfig({ NODE_ENV: "production" })).toThrow(/development default is public/);
    expect(() => parseConfig({ NODE_ENV: "production", JWT_SECRET: DEV_JWT_SECRET })).toThrow(/JWT_SECRET/);
  });

  it("refuses a production secret shorter than 32 characters", () => {
    expect(() => parseConfig({ NODE_ENV: "production", JWT_SECRET: "short" })).toThrow(/at least 32/);
  });

  it("turns off Sandbox, introspection and CORS by default in production", () => {
    const config = parseConfig({
      NODE_ENV: "production",
      JWT_SECRET: "x".repeat(40),
      GATEWAY_SECRET: "g".repeat(32),
    });
    expect(config.developerTools).toBe(false);
    expect(config.corsOrigins).toEqual([]);
  });

  it("needs a public key for RS256", () => {
    expect(() => parseConfig({ JWT_ALGORITHM: "RS256" })).toThrow(/JWT_PUBLIC_KEY/);
  });

  it("names the variable that is wrong", () => {
    expect(() => parseConfig({ GATEWAY_PORT: "http" })).toThrow(/GATEWAY_PORT/);
    expect(() => parseConfig({ SUBSCRIPTIONS_ENABLED: "maybe" })).toThrow(/SUBSCRIPTIONS_ENABLED/);
  });
});

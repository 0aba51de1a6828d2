import { describe, expect, it } from "vitest";
import { parseConfig } from "../../gateway/config.ts";
import { DEV_ADMIN_PASSWORD, DEV_JWT_SECRET, parseTokenSettings } from "../../platform/config.ts";
import { parseSubgraphConfig } from "../../subgraphs/kit/config.ts";

// Under NODE_ENV=production neither the gateway nor a subgraph starts with a secret anyone could know.
const STRONG = "s3cr3t-0f-at-least-32-characters-long!";
const SHORT = "only-20-characters!!";
const GATEWAY = "a-gateway-secret-of-32-characters-or-more";
const production = (extra: Record<string, string> = {}) => ({ NODE_ENV: "production", ...extra });

describe("production refuses weak secrets", () => {
  it("shared token settings: the development secret and short secrets are refused", () => {
    expect(() => parseTokenSettings({}, "production")).toThrow(
      "Refusing to start: JWT_SECRET is the development default. Set a random secret of 32+ characters.",
    );
    expect(() => parseTokenSettings({ JWT_SECRET: DEV_JWT_SECRET }, "production")).toThrow(
      /development default/,
    );
    expect(() => parseTokenSettings({ JWT_SECRET: SHORT }, "production")).toThrow(
      "Refusing to start: JWT_SECRET is shorter than 32 characters; anyone could guess it.",
    );
    expect(parseTokenSettings({ JWT_SECRET: STRONG }, "production").secret).toBe(STRONG);
    // Development keeps working out of the box.
    expect(parseTokenSettings({}, "development").secret).toBe(DEV_JWT_SECRET);
  });

  it("RS256 without a public key is refused in every environment", () => {
    expect(() => parseTokenSettings({ JWT_ALGORITHM: "RS256" }, "development")).toThrow(
      "JWT_ALGORITHM=RS256 needs JWT_PUBLIC_KEY",
    );
    expect(() => parseConfig({ JWT_ALGORITHM: "RS256" })).toThrow("JWT_ALGORITHM=RS256 needs JWT_PUBLIC_KEY");
  });

  it("a subgraph refuses the development admin password, given or defaulted, and weak JWT secrets", () => {
    const message =
      "Refusing to start: ADMIN_PASSWORD is the development default. Set ADMIN_PASSWORD (8+ characters).";
    expect(() => parseSubgraphConfig("accounts", production({ JWT_SECRET: STRONG }))).toThrow(message);
    expect(() =>
      parseSubgraphConfig("catalog", production({ JWT_SECRET: STRONG, ADMIN_PASSWORD: DEV_ADMIN_PASSWORD })),
    ).toThrow(message);
    expect(() => parseSubgraphConfig("orders", production({ ADMIN_PASSWORD: "a-real-password" }))).toThrow(
      /JWT_SECRET is the development default/,
    );
    expect(() =>
      parseSubgraphConfig("feed", production({ ADMIN_PASSWORD: "a-real-password", JWT_SECRET: SHORT })),
    ).toThrow(/shorter than 32 characters/);
    expect(() => parseSubgraphConfig("accounts", production({ ADMIN_PASSWORD: "short" }))).toThrow(
      /at least 8 characters/,
    );
    const ok = parseSubgraphConfig(
      "accounts",
      production({ ADMIN_PASSWORD: "a-real-password", JWT_SECRET: STRONG, GATEWAY_SECRET: GATEWAY }),
    );
    expect(ok.tokens.secret).toBe(STRONG);
  });

  it("the gateway refuses a missing, development or short JWT_SECRET", () => {
    const missing =
      "JWT_SECRET must be set in production: the development default is public, anyone could sign tokens";
    expect(() => parseConfig(production())).toThrow(missing);
    expect(() => parseConfig(production({ JWT_SECRET: DEV_JWT_SECRET }))).toThrow(missing);
    expect(() => parseConfig(production({ JWT_SECRET: SHORT }))).toThrow(
      "JWT_SECRET must be at least 32 characters in production: short secrets can be brute-forced",
    );
    const ok = parseConfig(production({ JWT_SECRET: STRONG, GATEWAY_SECRET: GATEWAY }));
    expect(ok.tokens.secret).toBe(STRONG);
    expect(ok.developerTools).toBe(false);
  });

  it("the gateway and every subgraph refuse a missing or short GATEWAY_SECRET in production", () => {
    const missing = /GATEWAY_SECRET must be set in production/;
    const short = "GATEWAY_SECRET must be at least 32 characters: short secrets can be guessed";
    const subgraph = (extra: Record<string, string>) =>
      parseSubgraphConfig(
        "catalog",
        production({ ADMIN_PASSWORD: "a-real-password", JWT_SECRET: STRONG, ...extra }),
      );
    expect(() => parseConfig(production({ JWT_SECRET: STRONG }))).toThrow(missing);
    expect(() => parseConfig(production({ JWT_SECRET: STRONG, GATEWAY_SECRET: "" }))).toThrow(missing);
    expect(() => subgraph({})).toThrow(missing);
    expect(() => parseConfig(production({ JWT_SECRET: STRONG, GATEWAY_SECRET: SHORT }))).toThrow(short);
    expect(() => subgraph({ GATEWAY_SECRET: SHORT })).toThrow(short);
    // Short is refused in development too (a set secret is meant to protect); unset leaves the ports open.
    expect(() => parseConfig({ GATEWAY_SECRET: SHORT })).toThrow(short);
    expect(parseConfig({}).gatewaySecret).toBeUndefined();
    expect(subgraph({ GATEWAY_SECRET: GATEWAY }).gatewaySecret).toBe(GATEWAY);
    expect(parseConfig(production({ JWT_SECRET: STRONG, GATEWAY_SECRET: GATEWAY })).gatewaySecret).toBe(
      GATEWAY,
    );
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { signAccessToken } from "../../platform/auth/tokens.ts";
import { testTokenSettings, tokenFor } from "../../test/support/tokens.ts";
import { verifiedTokens } from "./verified-tokens.ts";

afterEach(() => {
  vi.useRealTimers();
});

describe("verifiedTokens", () => {
  it("answers a remembered token's viewer again, as a fresh object each time", () => {
    const verify = verifiedTokens(testTokenSettings);
    const { id, authorization } = tokenFor(["ADMIN"]);
    const first = verify(authorization);
    const second = verify(authorization);
    expect(second).toEqual(first);
    expect(second?.viewer).toEqual({ id, roles: ["ADMIN"] });
    expect(second?.viewer).not.toBe(first?.viewer);
    expect(verify(undefined)).toBeNull();
  });

  it("refuses a remembered token once it has expired, with the same message as a first check", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-05T12:00:00Z"));
    const settings = { ...testTokenSettings, accessTokenTtlSeconds: 60, clockToleranceSeconds: 5 };
    const { token } = signAccessToken(settings, { id: crypto.randomUUID(), roles: ["CUSTOMER"] });
    const verify = verifiedTokens(settings);
    expect(verify(`Bearer ${token}`)?.viewer.roles).toEqual(["CUSTOMER"]);
    vi.setSystemTime(new Date("2026-12-05T12:01:04Z"));
    expect(verify(`Bearer ${token}`)?.viewer.roles).toEqual(["CUSTOMER"]);
    vi.setSystemTime(new Date("2026-12-05T12:01:05Z"));
    expect(() => verify(`Bearer ${token}`)).toThrow("The access token has expired");
  });

  it("never remembers a refusal: a tampered or malformed header fails every time", () => {
    const verify = verifiedTokens(testTokenSettings);
    const { token } = tokenFor();
    const tampered = `Bearer ${token.slice(0, -2)}xx`;
    for (let i = 0; i < 2; i++) {
      expect(() => verify(tampered)).toThrow("The access token is invalid");
      expect(() => verify("Token abc")).toThrow('must be "Bearer <token>"');
    }
  });

  it("keeps accepting tokens beyond its limit, forgetting the oldest", () => {
    const verify = verifiedTokens(testTokenSettings, 2);
    const sessions = [tokenFor(), tokenFor(), tokenFor()];
    for (let round = 0; round < 2; round++)
      for (const { id, authorization } of sessions) expect(verify(authorization)?.viewer.id).toBe(id);
  });
});

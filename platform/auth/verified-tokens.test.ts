import { GraphQLError } from "graphql";
import { afterEach, describe, expect, it, vi } from "vitest";
import { signAccessToken, type TokenSettings, verifyAuthorizationHeader } from "./tokens.ts";
import { VerifiedTokens } from "./verified-tokens.ts";

afterEach(() => {
  vi.useRealTimers();
});

const settings = (overrides: Partial<TokenSettings> = {}): TokenSettings => ({
  algorithm: "HS256",
  secret: "a-test-secret-that-is-long-enough-for-hs256",
  issuer: "tributary-test",
  audience: "tributary-test",
  accessTokenTtlSeconds: 900,
  clockToleranceSeconds: 0,
  ...overrides,
});

/** The real verification, counted. */
function counting() {
  const calls: string[] = [];
  const verify = (s: TokenSettings, header: string) => {
    calls.push(header);
    return verifyAuthorizationHeader(s, header);
  };
  return { calls, verify };
}

const bearer = (s: TokenSettings, id = "u1") =>
  `Bearer ${signAccessToken(s, { id, roles: ["CUSTOMER"] }).token}`;

describe("VerifiedTokens", () => {
  it("verifies a token once and answers its viewer again without verifying it again", () => {
    const s = settings();
    const { calls, verify } = counting();
    const tokens = new VerifiedTokens(s, { verify });
    const header = bearer(s);
    const first = tokens.verify(header);
    const second = tokens.verify(header);
    expect(first?.viewer).toEqual({ id: "u1", roles: ["CUSTOMER"] });
    expect(second).toEqual(first);
    expect(calls).toHaveLength(1);
  });

  it("gives every request a viewer of its own, so one request changing it cannot reach another", () => {
    const s = settings();
    const tokens = new VerifiedTokens(s);
    const header = bearer(s);
    tokens.verify(header)!.viewer.roles.push("ADMIN");
    expect(tokens.verify(header)?.viewer.roles).toEqual(["CUSTOMER"]);
  });

  it("answers null without a header and rejects a bad token every time, never remembering it", () => {
    const s = settings();
    const { calls, verify } = counting();
    const tokens = new VerifiedTokens(s, { verify });
    expect(tokens.verify(undefined)).toBeNull();
    const forged = `${bearer(settings({ secret: "another-secret-another-secret-another" }))}`;
    expect(() => tokens.verify(forged)).toThrow(GraphQLError);
    expect(() => tokens.verify(forged)).toThrow(/invalid/);
    expect(calls).toEqual([forged, forged]);
  });

  it("refuses a remembered token from the second jsonwebtoken would, with the same message", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-05T12:00:00Z"));
    const s = settings({ accessTokenTtlSeconds: 60, clockToleranceSeconds: 5 });
    const tokens = new VerifiedTokens(s);
    const header = bearer(s);
    expect(tokens.verify(header)?.viewer.id).toBe("u1");
    vi.setSystemTime(new Date("2026-12-05T12:01:04Z"));
    expect(tokens.verify(header)?.viewer.id).toBe("u1");
    vi.setSystemTime(new Date("2026-12-05T12:01:05Z"));
    expect(() => tokens.verify(header)).toThrow("The access token has expired");
  });

  it("forgets the oldest token beyond its size, which is then verified again", () => {
    const s = settings();
    const { calls, verify } = counting();
    const tokens = new VerifiedTokens(s, { verify, maxEntries: 2 });
    const [a, b, c] = [bearer(s, "a"), bearer(s, "b"), bearer(s, "c")];
    for (const header of [a, b, c, b, c, a]) tokens.verify(header);
    expect(calls).toEqual([a, b, c, a]);
  });
});

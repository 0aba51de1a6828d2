// The same access token arrives with every request of a session, at every subgraph the gateway calls: checking
// its HMAC and claims again each time was ~2% of a mutation's CPU. A verified token is remembered until it
// expires; its signature, issuer, audience and nbf cannot change, so only its expiry is checked again.
import {
  type TokenSettings,
  type VerifiedToken,
  verifyAuthorizationHeader,
} from "../../platform/auth/tokens.ts";

export const REMEMBERED_TOKENS = 10_000;

interface Remembered {
  verified: VerifiedToken;
  /** The first second (Unix time) at which jsonwebtoken would call the token expired. */
  expiredFrom: number;
}

/**
 * verifyAuthorizationHeader with a memory of the headers it accepted (at most `limit`, oldest forgotten first).
 * Refusals are not remembered: each one is verified, and answered, as before.
 */
export function verifiedTokens(settings: TokenSettings, limit = REMEMBERED_TOKENS) {
  const remembered = new Map<string, Remembered>();
  return (header: string | undefined | null): VerifiedToken | null => {
    if (!header) return null;
    const known = remembered.get(header);
    // jsonwebtoken's own test: expired when floor(now) >= exp + clockTolerance.
    if (known && Math.floor(Date.now() / 1000) < known.expiredFrom) return copyOf(known.verified);
    if (known) remembered.delete(header);
    const verified = verifyAuthorizationHeader(settings, header);
    if (!verified) return null;
    if (remembered.size >= limit) remembered.delete(remembered.keys().next().value as string);
    const expiredFrom = verified.expiresAt.getTime() / 1000 + settings.clockToleranceSeconds;
    remembered.set(header, { verified: copyOf(verified), expiredFrom });
    return verified;
  };
}

/** Each request gets its own viewer, so nothing one resolver does to it reaches another request. */
function copyOf({ viewer, expiresAt }: VerifiedToken): VerifiedToken {
  return { viewer: { id: viewer.id, roles: [...viewer.roles] }, expiresAt };
}

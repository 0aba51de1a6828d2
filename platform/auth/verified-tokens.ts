// Tokens already verified, remembered until they expire: a client sends the same token with every request, and
// the gateway forwards it to every subgraph it calls, each of which checks it again (a request sent straight to
// a subgraph gets no trust for free). Verifying it each time (HMAC or RSA, claims) repeats the same work at
// every hop of every request, for an answer that cannot change before the token expires.
// Only successful verifications are kept, keyed by the exact header, and each is used only while
// jsonwebtoken would still accept the token (exp plus the clock tolerance); failures are checked every time.
import { type TokenSettings, type VerifiedToken, verifyAuthorizationHeader } from "./tokens.ts";

export type Verify = (settings: TokenSettings, header: string) => VerifiedToken | null;

export interface VerifiedTokensOptions {
  /** Oldest entries are forgotten beyond this many distinct tokens. */
  maxEntries?: number;
  verify?: Verify;
}

export class VerifiedTokens {
  private readonly known = new Map<string, VerifiedToken>();
  private readonly maxEntries: number;
  private readonly verifyHeader: Verify;

  constructor(
    private readonly settings: TokenSettings,
    options: VerifiedTokensOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.verifyHeader = options.verify ?? verifyAuthorizationHeader;
  }

  /** As verifyAuthorizationHeader: null without a header, throws for a bad one; a viewer of the caller's own. */
  verify(header: string | undefined): VerifiedToken | null {
    if (!header) return null;
    const known = this.known.get(header);
    if (known && this.stillValid(known)) return copy(known);
    if (known) this.known.delete(header);
    const verified = this.verifyHeader(this.settings, header);
    if (!verified) return null;
    if (this.known.size >= this.maxEntries) this.known.delete(this.known.keys().next().value!);
    this.known.set(header, copy(verified));
    return verified;
  }

  /** jsonwebtoken's own rule: expired once the whole seconds since the epoch reach exp + clockTolerance. */
  private stillValid(token: VerifiedToken): boolean {
    const nowSeconds = Math.floor(Date.now() / 1000);
    return nowSeconds < token.expiresAt.getTime() / 1000 + this.settings.clockToleranceSeconds;
  }
}

const copy = ({ viewer, expiresAt }: VerifiedToken): VerifiedToken => ({
  viewer: { id: viewer.id, roles: [...viewer.roles] },
  expiresAt: new Date(expiresAt.getTime()),
});

const bySettings = new WeakMap<TokenSettings, VerifiedTokens>();

/** One memory per token settings, as long as those settings live. */
export function verifiedTokensFor(settings: TokenSettings): VerifiedTokens {
  let tokens = bySettings.get(settings);
  if (!tokens) {
    tokens = new VerifiedTokens(settings);
    bySettings.set(settings, tokens);
  }
  return tokens;
}

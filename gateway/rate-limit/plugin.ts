// Per-caller rate limits (token `sub`, else client IP) and stricter budgets for `login`: per email and IP,
// and failed attempts per IP across all emails; 429 with Retry-After.
import { type ApolloServerPlugin, HeaderMap } from "@apollo/server";
import { type FragmentDefinitionNode, GraphQLError, Kind } from "graphql";
import type { GatewayContext } from "../context.ts";
import { callerKey } from "./caller-key.ts";
import { createLimiters, type Limiters, type RateLimitSettings } from "./limiters.ts";
import { type LoginAttempt, loginAttempts, perEmail, succeeded } from "./logins.ts";

export const RATE_LIMITED = "RATE_LIMITED";
const REDIS_CONNECT_TIMEOUT_MS = 3_000;

function rateLimited(msBeforeNext: number, what: string): GraphQLError {
  const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
  const headers = new HeaderMap([["retry-after", String(retryAfter)]]);
  return new GraphQLError(`Too many ${what}; retry in ${retryAfter} s.`, {
    extensions: { code: RATE_LIMITED, retryAfterSeconds: retryAfter, http: { status: 429, headers } },
  });
}

/** rate-limiter-flexible rejects with a result (over the limit) or an Error (store failure). */
async function consume(
  limiter: { consume(key: string, points?: number): Promise<unknown> },
  key: string,
  what: string,
  points = 1,
): Promise<void> {
  try {
    await limiter.consume(key, points);
  } catch (rejection) {
    if (rejection instanceof Error) throw rejection;
    throw rateLimited((rejection as { msBeforeNext: number }).msBeforeNext, what);
  }
}

/** `limiters`: pass the ones the subscription replays spend from too, so both draw on one budget. */
export function useRateLimit(
  settings: RateLimitSettings,
  limiters: Limiters | undefined = settings.enabled ? createLimiters(settings) : undefined,
): ApolloServerPlugin<GatewayContext> {
  if (!settings.enabled || !limiters) return {};
  return {
    async serverWillStart({ logger }) {
      // Listen only once Redis counts: a request counted in one gateway's memory is missing from the shared budget.
      if (settings.redisUrl && !(await limiters.connected(REDIS_CONNECT_TIMEOUT_MS)))
        logger.warn("rate limits: Redis is unreachable; counting in this gateway's memory until it answers");
      return { serverWillStop: () => limiters.close() };
    },
    async requestDidStart({ contextValue }) {
      const ip = contextValue.clientIp ?? "unknown";
      const caller = callerKey(contextValue);
      let attempts: LoginAttempt[] = [];
      return {
        // After parsing, so `login` can be recognised; before planning, so refused requests cost nothing downstream.
        async didResolveOperation({ operation, document, request: resolved }) {
          await consume(limiters.general, caller, "requests");
          if (!operation) return;
          const fragments = document.definitions.filter(
            (d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION,
          );
          const found = loginAttempts(operation, fragments, resolved.variables ?? {});
          if (found.length === 0) return;
          for (const [email, count] of perEmail(found))
            await consume(limiters.login, `${email}|${ip}`, "login attempts", count);
          // Reserved before they run, so concurrent requests cannot all slip under the budget.
          await consume(limiters.failedLogin, ip, "failed logins from this address", found.length);
          attempts = found;
        },
        async willSendResponse({ response }) {
          if (attempts.length === 0) return;
          const single = response.body.kind === "single" ? response.body.singleResult : undefined;
          const signedIn = succeeded(attempts, single?.data);
          // A store failure here only leaves the reservation spent: the caller keeps fewer attempts, never more.
          if (signedIn > 0) await limiters.failedLogin.reward(ip, signedIn).catch(() => {});
        },
      };
    },
  };
}

// Per-caller rate limits (token `sub`, else client IP) and a stricter budget for `login`; 429 with Retry-After.
import { type ApolloServerPlugin, HeaderMap } from "@apollo/server";
import { GraphQLError, Kind, type OperationDefinitionNode, valueFromASTUntyped } from "graphql";
import type { GatewayContext } from "../context.ts";
import { callerKey } from "./caller-key.ts";
import { createLimiters, type Limiters, type RateLimitSettings } from "./limiters.ts";

export const RATE_LIMITED = "RATE_LIMITED";
const REDIS_CONNECT_TIMEOUT_MS = 3_000;

function rateLimited(msBeforeNext: number, what: string): GraphQLError {
  const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
  const headers = new HeaderMap([["retry-after", String(retryAfter)]]);
  return new GraphQLError(`Too many ${what}; retry in ${retryAfter} s.`, {
    extensions: { code: RATE_LIMITED, retryAfterSeconds: retryAfter, http: { status: 429, headers } },
  });
}

/** The email of a `login` mutation's root field, from a literal or a variable. */
function loginEmail(
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): string | undefined {
  if (operation.operation !== "mutation") return undefined;
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.name.value !== "login") continue;
    const arg = selection.arguments?.find((a) => a.name.value === "email");
    const value = arg ? valueFromASTUntyped(arg.value, variables) : undefined;
    return typeof value === "string" ? value.trim().toLowerCase() : "";
  }
  return undefined;
}

/** rate-limiter-flexible rejects with a result (over the limit) or an Error (store failure). */
async function consume(
  limiter: { consume(key: string): Promise<unknown> },
  key: string,
  what: string,
): Promise<void> {
  try {
    await limiter.consume(key);
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
      // Resolving a subscription event is not a request: one busy subscription must not use up its viewer's
      // budget (nor, for anonymous subscribers, everyone's), nor turn its own deliveries into RATE_LIMITED.
      if (contextValue.resolvingEvent) return;
      const ip = contextValue.clientIp ?? "unknown";
      const caller = callerKey(contextValue);
      return {
        // After parsing, so `login` can be recognised; before planning, so refused requests cost nothing downstream.
        async didResolveOperation({ operation, request: resolved }) {
          await consume(limiters.general, caller, "requests");
          if (!operation) return;
          const email = loginEmail(operation, resolved.variables ?? {});
          if (email !== undefined) await consume(limiters.login, `${email}|${ip}`, "login attempts");
        },
      };
    },
  };
}

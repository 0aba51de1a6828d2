// A resume (`after:`) spends its caller's request budget in proportion to the events it replays, so replays
// of old cursors cannot crowd out plain queries for free.
import type { GatewayContext } from "../context.ts";
import { callerKey } from "./caller-key.ts";
import type { Limiters } from "./limiters.ts";

export interface ReplayRefusal {
  message: string;
  extensions: { code: string; retryAfterSeconds?: number };
}

export type ReplayBudget = (
  caller: Pick<GatewayContext, "viewer" | "clientIp">,
  events: number,
) => Promise<ReplayRefusal | undefined>;

/** One point of the caller's general budget per event the replay may read; none when nothing is missed. */
export function replayBudget(limiters: Pick<Limiters, "general"> | undefined): ReplayBudget {
  return async (caller, events) => {
    if (!limiters || events <= 0) return undefined;
    try {
      await limiters.general.consume(callerKey(caller), events);
      return undefined;
    } catch (rejection) {
      if (rejection instanceof Error) throw rejection;
      const retryAfter = Math.max(1, Math.ceil((rejection as { msBeforeNext: number }).msBeforeNext / 1000));
      return {
        message: `Replaying ${events} missed events would exceed your request budget (one per event); retry in ${retryAfter} s.`,
        extensions: { code: "RATE_LIMITED", retryAfterSeconds: retryAfter },
      };
    }
  };
}

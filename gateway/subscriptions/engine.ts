// What every transport opens subscriptions through: live or resumed from a cursor.
import type { Kafka } from "kafkajs";
import type { Logger } from "../../platform/logger.ts";
import type { GatewayContext } from "../context.ts";
import type { ReplayBudget } from "../rate-limit/replay-budget.ts";
import { closingResult } from "./close-codes.ts";
import type { SubscriptionHub } from "./fan-out/hub.ts";
import type { SubscriberStream } from "./fan-out/stream.ts";
import type { PlannedSubscription } from "./planning/planner.ts";
import type { LiveEventIds } from "./source/live-ids.ts";
import type { LivePositions } from "./source/positions.ts";
import { type CursorError, checkCursor, resumeSubscription } from "./source/resume.ts";

export type Terminate = (closeCode: number, reason: string) => void;

/** Why a subscribe with `after` is refused: a cursor problem, an over-long replay, or an empty budget. */
export interface ResumeRefusal {
  message: string;
  extensions: { code: string; [key: string]: unknown };
}

export interface SubscriptionEngine {
  /** At subscribe time: where a resuming subscriber starts, or why its cursor is refused. */
  check(
    planned: PlannedSubscription,
    caller: Pick<GatewayContext, "viewer" | "clientIp">,
  ): Promise<Map<number, bigint> | CursorError | ResumeRefusal | undefined>;
  open(
    planned: PlannedSubscription,
    context: GatewayContext,
    from: Map<number, bigint> | undefined,
    terminate: Terminate,
  ): SubscriberStream;
  /**
   * For transports without close codes (SSE, multipart, REST streams): a documented close (close-codes.ts)
   * arrives as the stream's last result, an error naming the code.
   */
  openEnding(
    planned: PlannedSubscription,
    context: GatewayContext,
    from: Map<number, bigint> | undefined,
  ): SubscriberStream;
}

export interface EngineOptions {
  hub: SubscriptionHub;
  positions: LivePositions;
  kafka: Kafka | undefined;
  logger: Logger;
  liveIds?: LiveEventIds;
  dedupeWindow?: number;
  /** Most events one resume may replay (SUBSCRIPTION_MAX_REPLAY_EVENTS). */
  maxReplayEvents?: number;
  /** Charges the caller's rate-limit budget for a replay; absent when rate limits are off. */
  budget?: ReplayBudget;
  /** Resolves once the live consumer is joined and positioned on every topic. */
  consuming?: () => Promise<void>;
  /** How long a subscribe waits for that before it is refused (SERVICE_UNAVAILABLE). */
  consumingWaitMs?: number;
}

/**
 * Before the live consumer has its positions (a gateway just started, or rejoining after a broker outage), a
 * resume's replay would end nowhere and the consumer would start after events the subscriber never got; a
 * live subscription would miss what is produced until then. So a subscribe waits for the positions.
 */
const notConsuming: ResumeRefusal = {
  message: "The gateway is not reading events yet; subscribe again shortly.",
  extensions: { code: "SERVICE_UNAVAILABLE" },
};

async function positioned(options: EngineOptions): Promise<boolean> {
  if (!options.consuming) return true;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), options.consumingWaitMs ?? 15_000);
  });
  try {
    return await Promise.race([options.consuming().then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function subscriptionEngine(options: EngineOptions): SubscriptionEngine {
  const { hub, kafka } = options;
  const open: SubscriptionEngine["open"] = (planned, context, from, terminate) => {
    if (!from || !kafka) return hub.subscribe(planned, context, { terminate });
    return resumeSubscription({ ...options, kafka, planned, context, from, terminate });
  };
  return {
    async check(planned, caller) {
      if (kafka && !(await positioned(options))) return notConsuming;
      if (planned.after === undefined) return undefined;
      if (!kafka) return { message: "Subscriptions are disabled.", extensions: { code: "BAD_USER_INPUT" } };
      const start = await checkCursor(kafka, planned.binding.topic, planned.after);
      if (!("from" in start)) return start;
      const cap = options.maxReplayEvents ?? Number.POSITIVE_INFINITY;
      if (start.behind > cap) {
        return {
          message: `This cursor is ${start.behind} events behind, more than one resume replays (${cap}); reload your state and subscribe again without \`after\`.`,
          extensions: { code: "REPLAY_TOO_LARGE", behind: start.behind, maxReplayEvents: cap },
        };
      }
      const refused = await options.budget?.(caller, start.behind);
      return refused ?? start.from;
    },
    open,
    openEnding(planned, context, from) {
      let stream: SubscriberStream | undefined;
      const terminate = (code: number, reason: string) => stream?.end(closingResult(code, reason));
      stream = open(planned, context, from, terminate);
      return stream;
    },
  };
}

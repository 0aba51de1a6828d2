// What both transports (graphql-ws, graphql-sse) open subscriptions through: live or resumed from a cursor.
import type { Kafka } from "kafkajs";
import type { Logger } from "../../platform/logger.ts";
import type { GatewayContext } from "../context.ts";
import type { EntityResolver, SubscriptionHub } from "./hub.ts";
import type { PlannedSubscription } from "./planner.ts";
import type { LivePositions } from "./positions.ts";
import { type CursorError, checkCursor, resumeSubscription } from "./resume.ts";
import type { SubscriberStream } from "./stream.ts";

export type Terminate = (closeCode: number, reason: string) => void;

export interface SubscriptionEngine {
  /** At subscribe time: where a resuming subscriber starts, or why its cursor is refused. */
  check(planned: PlannedSubscription): Promise<Map<number, bigint> | CursorError | undefined>;
  open(
    planned: PlannedSubscription,
    context: GatewayContext,
    from: Map<number, bigint> | undefined,
    terminate: Terminate,
  ): SubscriberStream;
}

export interface EngineOptions {
  hub: SubscriptionHub;
  positions: LivePositions;
  kafka: Kafka | undefined;
  resolve: EntityResolver;
  logger: Logger;
}

export function subscriptionEngine(options: EngineOptions): SubscriptionEngine {
  const { hub, kafka } = options;
  return {
    async check(planned) {
      if (planned.after === undefined) return undefined;
      if (!kafka) return { message: "Subscriptions are disabled.", extensions: { code: "BAD_USER_INPUT" } };
      return checkCursor(kafka, planned.binding.topic, planned.after);
    },
    open(planned, context, from, terminate) {
      if (!from || !kafka) return hub.subscribe(planned, context, { terminate });
      return resumeSubscription({ ...options, kafka, planned, context, from, terminate });
    },
  };
}

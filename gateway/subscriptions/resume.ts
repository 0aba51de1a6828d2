// Subscribing with `after`: check the cursor, then replay what the subscriber missed ahead of its live events.
import type { FormattedExecutionResult } from "graphql";
import type { Kafka } from "kafkajs";
import type { Logger } from "../../platform/logger.ts";
import type { GatewayContext } from "../context.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import type { Delivery } from "./delivery.ts";
import { toGatewayEvent } from "./event-source.ts";
import type { EntityResolver, SubscriptionHub } from "./hub.ts";
import { mayReceive, passesFilters } from "./matcher.ts";
import type { PlannedSubscription } from "./planner.ts";
import type { LivePositions } from "./positions.ts";
import { replayRange } from "./replay.ts";
import type { SubscriberStream } from "./stream.ts";

export interface CursorError {
  message: string;
  extensions: { code: "BAD_USER_INPUT" | "CURSOR_EXPIRED" };
}

/** Per partition, the last offset the subscriber has; or why the cursor cannot be used. */
export async function checkCursor(
  kafka: Kafka,
  topic: string,
  after: string,
): Promise<Map<number, bigint> | CursorError> {
  const position = decodeCursor(after);
  if (!position)
    return {
      message: "`after` is not a cursor this gateway issued.",
      extensions: { code: "BAD_USER_INPUT" },
    };
  if (position.topic !== topic)
    return {
      message: "`after` is a cursor of another subscription field.",
      extensions: { code: "BAD_USER_INPUT" },
    };
  const admin = kafka.admin();
  await admin.connect();
  try {
    const from = new Map<number, bigint>();
    for (const { partition, low } of await admin.fetchTopicOffsets(topic)) {
      const seen = position.offsets.get(partition);
      // A partition the cursor does not name was created since: all of it is new to the subscriber.
      const last = seen ?? BigInt(low) - 1n;
      if (last + 1n < BigInt(low)) {
        return {
          message: `The cursor is older than Kafka's retention (partition ${partition} now starts at ${low}); events were lost, so subscribe again without \`after\` and reload your state.`,
          extensions: { code: "CURSOR_EXPIRED" },
        };
      }
      from.set(partition, last);
    }
    return from;
  } finally {
    await admin.disconnect();
  }
}

export interface ResumeOptions {
  hub: SubscriptionHub;
  positions: LivePositions;
  kafka: Kafka;
  resolve: EntityResolver;
  logger: Logger;
  planned: PlannedSubscription;
  context: GatewayContext;
  from: Map<number, bigint>;
  terminate?: (closeCode: number, reason: string) => void;
}

const replayFailed: FormattedExecutionResult = {
  errors: [
    {
      message: "Replaying missed events failed; resume again with your last cursor.",
      extensions: { code: "REPLAY_FAILED" },
    },
  ],
};

/**
 * Joins live delivery first (held), notes the live position at that instant, replays (from, live] in
 * order, then releases the held live events: nothing is in both, nothing falls between.
 */
export function resumeSubscription(options: ResumeOptions): SubscriberStream {
  const { hub, planned, context, from, logger } = options;
  const topic = planned.binding.topic;
  const to = options.positions.snapshot(topic);
  // Live events this gateway has not reached yet but the cursor has (it came from an instance further ahead).
  const skip = new Map([...from].filter(([p, o]) => o > (to.get(p) ?? -1n)));
  const stream = hub.subscribe(planned, context, { hold: true, skip, terminate: options.terminate });
  const seen = new Map(from);
  const controller = new AbortController();
  const inFlight: Promise<Delivery>[] = [];
  void replayRange({
    kafka: options.kafka,
    topic,
    from,
    to,
    signal: controller.signal,
    async onRecord(partition, message) {
      if (stream.isClosed) return controller.abort();
      seen.set(partition, BigInt(message.offset));
      let event: ReturnType<typeof toGatewayEvent>;
      try {
        event = toGatewayEvent(topic, partition, message);
      } catch {
        return;
      }
      const { binding, args } = planned;
      if (!passesFilters(binding, args, event.fields) || !mayReceive(binding, context.viewer, event.fields))
        return;
      event.resume = encodeCursor({ topic, offsets: seen });
      const delivery = options.resolve(planned, event, context).catch((error: unknown) => {
        logger.error({ err: error }, "resolving a replayed event failed");
        return null;
      });
      stream.pushReplayed(delivery);
      inFlight.push(delivery);
      // A few resolutions at a time, and never more queued than half the subscriber's allowance.
      if (inFlight.length >= 16) await inFlight.shift();
      await stream.room();
    },
  })
    .then(() => stream.release())
    .catch((error: unknown) => {
      logger.warn({ err: error, topic }, "replay failed");
      stream.end(replayFailed);
    });
  return stream;
}

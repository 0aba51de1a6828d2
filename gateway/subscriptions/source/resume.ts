// Subscribing with `after`: check the cursor, then replay what the subscriber missed ahead of its live events,
// in publish order and without re-sent copies.
import type { FormattedExecutionResult } from "graphql";
import type { Kafka, KafkaMessage } from "kafkajs";
import type { Logger } from "../../../platform/logger.ts";
import type { GatewayContext } from "../../context.ts";
import type { SubscriptionHub } from "../fan-out/hub.ts";
import type { SubscriberStream } from "../fan-out/stream.ts";
import type { PlannedSubscription } from "../planning/planner.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { type CursorError, checkPosition, type ResumeStart } from "./cursor-check.ts";
import type { GatewayEvent } from "./event-source.ts";
import { handleRecord, type RecordRoute } from "./handle-record.ts";
import type { LiveEventIds } from "./live-ids.ts";
import type { LivePositions } from "./positions.ts";
import { placeOf, RecentIds } from "./recent-ids.ts";
import { readRange } from "./replay.ts";
import { mergeByTime } from "./replay-merge.ts";

export type { CursorError } from "./cursor-check.ts";

/** Per partition, the last offset the subscriber has and how far behind it is; or why the cursor cannot be used. */
export async function checkCursor(
  kafka: Kafka,
  topic: string,
  after: string,
): Promise<ResumeStart | CursorError> {
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
    const partitions = (await admin.fetchTopicOffsets(topic)).map(({ partition, low, high }) => ({
      partition,
      low: BigInt(low),
      high: BigInt(high),
    }));
    return checkPosition(position, partitions);
  } finally {
    await admin.disconnect();
  }
}

export interface ResumeOptions {
  hub: SubscriptionHub;
  positions: LivePositions;
  kafka: Kafka;
  logger: Logger;
  planned: PlannedSubscription;
  context: GatewayContext;
  from: Map<number, bigint>;
  /** The live consumer's recent ids: a replayed record it saw at another offset first is a copy. */
  liveIds?: LiveEventIds;
  /** Ids this subscription remembers, to drop copies within its replay and at the hand-over to live. */
  dedupeWindow?: number;
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

interface Replayed {
  partition: number;
  offset: bigint;
  time: number;
  message: KafkaMessage;
}

/** Each partition's records with their event time; an unreadable time sorts first, keeping partition order. */
function timed(records: Map<number, KafkaMessage[]>): Replayed[][] {
  return [...records].map(([partition, messages]) =>
    messages.map((message) => {
      const time = Date.parse(message.headers?.ce_time?.toString() ?? "");
      return { partition, offset: BigInt(message.offset), time: Number.isNaN(time) ? 0 : time, message };
    }),
  );
}

/**
 * Joins live delivery first (held), notes the live position at that instant, reads (from, live], merges
 * its partitions by event time, replays it, then releases the held live events: nothing is in both,
 * nothing falls between, and no event id is delivered twice.
 */
export function resumeSubscription(options: ResumeOptions): SubscriberStream {
  const { hub, planned, context, from, logger, liveIds } = options;
  const topic = planned.binding.topic;
  const to = options.positions.snapshot(topic);
  // Live events this gateway has not reached yet but the cursor has (it came from an instance further ahead).
  const skip = new Map([...from].filter(([p, o]) => o > (to.get(p) ?? -1n)));
  // Only until the hand-over to live: from then on the live consumer's window drops copies, and thousands
  // of resumed subscribers must not each keep a window of their own.
  let delivered: RecentIds | undefined = new RecentIds(options.dedupeWindow ?? 10_000);
  const admit = (event: GatewayEvent) =>
    delivered?.admit(event.id, placeOf(event.cursor.partition, event.cursor.offset)) ?? true;
  const stream = hub.subscribe(planned, context, { hold: true, skip, terminate: options.terminate, admit });
  const seen = new Map(from);
  const controller = new AbortController();
  const route: RecordRoute = {
    // A copy the live consumer saw first at another offset, or one this replay already delivered.
    admit: (id, place) =>
      id === undefined || !(liveIds?.isDuplicate(topic, id, place) || delivered?.admit(id, place) === false),
    advance({ partition }, offset) {
      seen.set(partition, offset);
      return true;
    },
    wanted: () => !stream.isClosed,
    cursor: () => encodeCursor({ topic, offsets: seen }),
    deliver: (event) => hub.replay(planned, context, stream, event),
  };

  async function replay(): Promise<void> {
    const records = await readRange({
      kafka: options.kafka,
      topic,
      from,
      to,
      signal: controller.signal,
      stopped: () => stream.isClosed,
    });
    for (const { partition, message } of mergeByTime(timed(records))) {
      if (stream.isClosed) return;
      await handleRecord({ topic, partition, message }, route, logger);
    }
  }

  void replay()
    .then(() => {
      stream.release();
      delivered = undefined;
    })
    .catch((error: unknown) => {
      logger.warn({ err: error, topic }, "replay failed");
      stream.end(replayFailed);
    })
    .finally(() => controller.abort());
  return stream;
}

// Commits the gateway consumer's position on a timer instead of after every batch.
// The gateway never resumes from its group's committed offsets (it seeks to LivePositions), so commits exist only
// for the consumer-lag metric. kafkajs' autoCommit sends an OffsetCommit after every batch and waits for it before
// the next fetch: at one event per batch that doubled the gateway's Kafka round trips, and each commit is a
// synchronous meta-log write on the embedded broker. Once per interval gives the lag metric the same reading.
import type { Consumer } from "kafkajs";
import type { Logger } from "../../../platform/logger.ts";
import type { LivePositions } from "./positions.ts";

export const DEFAULT_COMMIT_INTERVAL_MS = 1000;

export interface PositionCommits {
  /** Commits what is left uncommitted, then stops the timer. */
  stop(): Promise<void>;
}

interface CommitOptions {
  consumer: Consumer;
  topics: readonly string[];
  positions: LivePositions;
  intervalMs: number;
  logger: Logger;
}

export function commitPositionsPeriodically(options: CommitOptions): PositionCommits {
  const { consumer, topics, positions, logger } = options;
  /** topic/partition -> the next offset last committed (Kafka commits the offset to read next). */
  const committed = new Map<string, bigint>();
  let running: Promise<void> = Promise.resolve();

  const commitNow = async () => {
    const offsets: { topic: string; partition: number; offset: string }[] = [];
    for (const topic of topics) {
      for (const [partition, last] of positions.snapshot(topic)) {
        const next = last + 1n;
        const key = `${topic}/${partition}`;
        if (next <= 0n || committed.get(key) === next) continue;
        offsets.push({ topic, partition, offset: String(next) });
      }
    }
    if (offsets.length === 0) return;
    try {
      await consumer.commitOffsets(offsets);
      for (const { topic, partition, offset } of offsets)
        committed.set(`${topic}/${partition}`, BigInt(offset));
    } catch (error) {
      // A rebalance or a broker restart: the next tick commits again; only the lag metric waits.
      logger.debug({ err: error }, "committing the gateway consumer's position failed; retrying next tick");
    }
  };
  // One commit at a time: a slow broker never piles them up.
  const tick = () => {
    running = running.then(commitNow);
  };
  const timer = setInterval(tick, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      tick();
      // A broker that is down keeps kafkajs retrying; a stop (or a re-subscription) never waits on it.
      let gaveUp: NodeJS.Timeout | undefined;
      await Promise.race([
        running,
        new Promise<void>((resolve) => {
          gaveUp = setTimeout(resolve, options.intervalMs);
        }),
      ]);
      clearTimeout(gaveUp);
    },
  };
}

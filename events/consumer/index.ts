// The consumer kit: subscribe to the handled topics, apply each event once in a transaction, retry, dead-letter.
import { type Consumer, type EachMessagePayload, Partitioners } from "kafkajs";
import { deadLettered, recordsConsumed } from "../../platform/metrics/index.ts";
import { inConsumerSpan } from "../../platform/tracing/index.ts";
import { ensureTopics } from "../admin.ts";
import { backoffDelay, sleep } from "../backoff.ts";
import { type AnyDecodedEvent, decodeEvent, EventDecodeError, headersToStrings } from "../codec.ts";
import { dlqTopic, isTopic, type Topic } from "../topics.ts";
import { applyOnce } from "./apply.ts";
import { deadLetterMessage } from "./dead-letter.ts";
import { pruneProcessed } from "./prune.ts";
import {
  type ConsumerCounters,
  type ConsumerOptions,
  DEFAULT_HANDLER_RETRY,
  type EventHandler,
  type RunningConsumer,
} from "./types.ts";

export type * from "./types.ts";
export { DEFAULT_HANDLER_RETRY } from "./types.ts";

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** How long start waits to join the group before returning anyway (joining then goes on in the background). */
const JOIN_WAIT_MS = 15_000;

export async function startConsumer(options: ConsumerOptions): Promise<RunningConsumer> {
  const { kafka, groupId, db, source, handlers, onCommitted, retry = DEFAULT_HANDLER_RETRY } = options;
  const log = options.logger.child({ component: "consumer", groupId });
  const counters: ConsumerCounters = { consumed: 0, deadLettered: 0, duplicates: 0, retries: 0 };
  const topics = Object.keys(handlers).filter((topic): topic is Topic => isTopic(topic) && !!handlers[topic]);
  if (topics.length === 0) {
    log.info("no event handlers: not consuming");
    return { counters, stop: async () => {} };
  }

  await ensureTopics(kafka, [...topics, ...topics.map(dlqTopic)], { partitions: options.partitions });
  // Dead letters keep their original key, so the same partitioner puts them on the matching .dlq partition.
  const producer = kafka.producer({
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer = kafka.consumer({
    groupId,
    sessionTimeout: options.sessionTimeout,
    heartbeatInterval: options.heartbeatInterval,
    maxWaitTimeInMs: options.maxWaitTimeInMs,
    allowAutoTopicCreation: false,
  });
  const stopping = new AbortController();

  async function deadLetter(payload: EachMessagePayload, error: unknown, attempts: number): Promise<void> {
    const { topic, partition, message } = payload;
    await producer.send({
      topic: dlqTopic(topic),
      messages: [deadLetterMessage({ topic, partition, message, error, attempts, groupId, source })],
    });
    counters.deadLettered++;
    deadLettered.inc({ group: groupId, topic });
    log.error({ err: error, topic, partition, offset: message.offset, attempts }, "event dead-lettered");
  }

  /** One record in a consumer span that continues the producer's trace, counted by outcome. */
  async function handle(payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    const attributes = {
      "messaging.system": "kafka",
      "messaging.destination.name": topic,
      "messaging.consumer.group.name": groupId,
      "messaging.destination.partition.id": String(partition),
    };
    await inConsumerSpan(`process ${topic}`, headersToStrings(message.headers), attributes, async (span) => {
      const outcome = await handleRecord(payload);
      span.setAttribute("tributary.outcome", outcome);
      recordsConsumed.inc({ group: groupId, topic, outcome });
    });
  }

  async function handleRecord(
    payload: EachMessagePayload,
  ): Promise<"applied" | "duplicate" | "dead_lettered"> {
    const { topic, message, heartbeat } = payload;
    let event: AnyDecodedEvent;
    try {
      event = decodeEvent(topic, message);
    } catch (error) {
      if (!(error instanceof EventDecodeError)) throw error;
      // Retrying cannot fix bytes; park the message and keep the partition moving.
      await deadLetter(payload, error, 0);
      counters.consumed++;
      return "dead_lettered";
    }
    const handler = handlers[event.topic] as EventHandler<Topic>;
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await applyOnce(db, event, handler);
        if (outcome === "duplicate") counters.duplicates++;
        else onCommitted?.();
        counters.consumed++;
        return outcome;
      } catch (error) {
        // Throwing leaves the offset uncommitted: the event is redelivered after a restart, not lost.
        if (stopping.signal.aborted) throw error;
        if (attempt >= retry.attempts) {
          await deadLetter(payload, error, attempt);
          counters.consumed++;
          return "dead_lettered";
        }
        counters.retries++;
        log.warn({ err: error, topic, eventId: event.id, attempt }, "event handler failed; retrying");
        await sleep(backoffDelay(attempt, retry), stopping.signal);
        if (stopping.signal.aborted) throw error;
        // Long retry sequences must not make the group think this member died.
        await heartbeat();
      }
    }
  }

  await producer.connect();
  try {
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: options.fromBeginning ?? true });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      log.error({ err: payload.error, restart: payload.restart }, "kafka consumer crashed");
    });
    const joined = joinedGroup(consumer);
    await consumer.run({ eachMessage: handle });
    if (!(await joined))
      log.warn({ topics }, "consumer has not joined its group yet; continuing in the background");
  } catch (error) {
    await consumer.disconnect().catch(() => {});
    await producer.disconnect().catch(() => {});
    throw error;
  }
  log.info({ topics }, "consuming");

  const retentionMs = options.processedRetentionMs ?? WEEK_MS;
  const pruning = setInterval(() => {
    pruneProcessed(db, new Date(Date.now() - retentionMs)).catch((error) =>
      log.warn({ err: error }, "could not prune processed_events"),
    );
  }, PRUNE_EVERY_MS);
  // The prune must never be what keeps a process alive.
  pruning.unref();

  return {
    counters,
    async stop() {
      clearInterval(pruning);
      stopping.abort();
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

/** True once the consumer joined its group, false if that took longer than JOIN_WAIT_MS. */
function joinedGroup(consumer: Consumer): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(false), JOIN_WAIT_MS);
    const remove = consumer.on(consumer.events.GROUP_JOIN, () => finish(true));
    function finish(joined: boolean) {
      clearTimeout(timer);
      remove();
      resolve(joined);
    }
  });
}

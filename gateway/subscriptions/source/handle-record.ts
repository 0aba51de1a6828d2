// One Kafka record on its way to subscribers, the same steps for live delivery and for a resume's replay:
// drop re-sent copies by event id, stamp the cursor, decode, then deliver inside the producer's trace.
import { headersToStrings } from "../../../events/codec.ts";
import type { Logger } from "../../../platform/logger.ts";
import { inConsumerSpan } from "../../../platform/tracing/index.ts";
import type { ConsumedRecord } from "./consumer.ts";
import { type GatewayEvent, toGatewayEvent } from "./event-source.ts";
import { eventIdOf } from "./live-ids.ts";
import { placeOf } from "./recent-ids.ts";

/** Where records go and what each path remembers: the live consumer's (hub, positions) or one replay's. */
export interface RecordRoute {
  /** Notes the record's event id; false when it is a copy of an event first seen at another offset. */
  admit(id: string | undefined, place: string, record: ConsumedRecord): boolean;
  /**
   * Moves the route's position past the record, before anything can drop it: a cursor claims every record up
   * to its position was handled. False when the record was handled before (read again only for its id).
   */
  advance(record: ConsumedRecord, offset: bigint): boolean;
  /** Whether anyone may want the topic's events; when not, the record is not even decoded. */
  wanted(topic: string): boolean;
  /** The cursor delivered with the event: every partition's position once it is handled. */
  cursor(topic: string): string;
  /** Filters, resolves and queues the event for its subscribers; resolves when the route can take the next. */
  deliver(event: GatewayEvent): Promise<void>;
}

export async function handleRecord(
  record: ConsumedRecord,
  route: RecordRoute,
  logger: Logger,
): Promise<void> {
  const { topic, partition, message } = record;
  const offset = BigInt(message.offset);
  const admitted = route.admit(eventIdOf(message), placeOf(partition, offset), record);
  if (!route.advance(record, offset)) return;
  // A re-sent copy of an event already delivered (the outbox relay sends at least once).
  if (!admitted) return;
  // Most events have no subscriber on this instance; skip them before paying for decoding.
  if (!route.wanted(topic)) return;
  let event: GatewayEvent;
  try {
    event = toGatewayEvent(topic, partition, message);
  } catch (error) {
    logger.warn({ err: error, topic, partition, offset: message.offset }, "undecodable event skipped");
    return;
  }
  // Synchronously with the delivery below (no await between): the cursor matches the queues exactly.
  event.resume = route.cursor(topic);
  // Continues the producer's trace: the subgraph fetches resolving this event become its children.
  const traced = { "messaging.destination.name": topic, "messaging.message.id": event.id };
  await inConsumerSpan(`deliver ${topic}`, headersToStrings(message.headers), traced, () =>
    route.deliver(event),
  );
}

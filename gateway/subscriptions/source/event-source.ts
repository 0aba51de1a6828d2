// The one place that knows how events are encoded on Kafka (the event kit's codec); the rest sees GatewayEvent.
import type { KafkaMessage } from "kafkajs";
import { decodeEvent } from "../../../events/codec.ts";
import type { EventCursor } from "./cursor.ts";

export interface GatewayEvent {
  cursor: EventCursor;
  /** CloudEvents id, for logs and de-duplication. */
  id: string;
  entity: { typename: string; id: string };
  /** The payload's domain fields in camelCase (protobuf JSON form), `entity` left out. */
  fields: Record<string, unknown>;
  /** The resume cursor delivered with it: every partition's position once this event is handled. */
  resume?: string;
}

/** Throws when the record is not a readable event; the consumer logs and skips it. */
export function toGatewayEvent(topic: string, partition: number, message: KafkaMessage): GatewayEvent {
  const decoded = decodeEvent(topic, message);
  const { entity, ...fields } = decoded.json as Record<string, unknown>;
  const ref = (entity ?? {}) as { typename?: unknown; id?: unknown };
  const id = typeof ref.id === "string" && ref.id ? ref.id : decoded.subject;
  if (!id) throw new Error(`event ${decoded.id} on ${topic} names no entity`);
  return {
    cursor: { topic, partition, offset: message.offset },
    id: decoded.id,
    entity: { typename: typeof ref.typename === "string" ? ref.typename : "", id },
    fields,
  };
}

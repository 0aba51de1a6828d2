// CloudEvents 1.0 over Kafka in binary mode: protobuf bytes as the value, event metadata as `ce_*` headers.
import { create, fromBinary, fromJson, type JsonObject, toBinary, toJson } from "@bufbuild/protobuf";
import { type EventInit, type EventPayload, isTopic, schemaFor, type Topic } from "./topics.ts";

export const SPEC_VERSION = "1.0";
export const CONTENT_TYPE = "application/protobuf";

/** `ce_type` for a topic, e.g. `tributary.orders.order.placed.v1`: the version follows the proto package. */
export function eventType(topic: Topic): string {
  return `tributary.${topic}.v1`;
}

/** `ce_source` for a subgraph, e.g. `/subgraphs/orders`. */
export function subgraphSource(name: string): string {
  return `/subgraphs/${name}`;
}

/** A payload in protobuf JSON form (camelCase, defaults included), as the outbox stores it. */
export function payloadToJson<T extends Topic>(
  topic: T,
  payload: EventPayload<T> | EventInit<T>,
): JsonObject {
  const schema = schemaFor(topic);
  const message = create(schema, payload as never);
  return toJson(schema, message as never, { alwaysEmitImplicit: true }) as JsonObject;
}

/**
 * The inverse of `payloadToJson`. Unknown fields are dropped rather than rejected: a row written by an
 * older build must still leave the outbox after a field was retired.
 */
export function payloadFromJson<T extends Topic>(topic: T, json: JsonObject): EventPayload<T> {
  return fromJson(schemaFor(topic), json, { ignoreUnknownFields: true }) as EventPayload<T>;
}

export interface EncodeInput<T extends Topic> {
  id: string;
  topic: T;
  key: string;
  payload: EventPayload<T> | EventInit<T>;
  source: string;
  /** When it happened; defaults to now. */
  time?: Date;
  /** Extra headers such as trace context; they cannot override the `ce_*` ones. */
  extraHeaders?: Record<string, string>;
}

export interface EncodedEvent {
  key: string;
  value: Buffer;
  headers: Record<string, string>;
}

export function encodeEvent<T extends Topic>(input: EncodeInput<T>): EncodedEvent {
  const schema = schemaFor(input.topic);
  // The generic schema lookup loses the link between T and its message type, hence the casts.
  const message = create(schema, input.payload as never) as EventPayload<Topic>;
  const headers: Record<string, string> = {
    ...input.extraHeaders,
    ce_specversion: SPEC_VERSION,
    ce_id: input.id,
    ce_type: eventType(input.topic),
    ce_source: input.source,
    ce_time: (input.time ?? new Date()).toISOString(),
    "content-type": CONTENT_TYPE,
  };
  const subject = message.entity?.id;
  if (subject) headers.ce_subject = subject;
  return { key: input.key, value: Buffer.from(toBinary(schema, message as never)), headers };
}

/** The parts of a kafkajs `KafkaMessage` the codec reads. */
export interface MessageLike {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export interface DecodedEvent<T extends Topic = Topic> {
  id: string;
  topic: T;
  type: string;
  source: string;
  time: Date;
  key: string;
  /** The entity id (`ce_subject`), empty when the event had none. */
  subject: string;
  payload: EventPayload<T>;
  /** The payload in protobuf JSON form (camelCase, defaults included): for logs, tails and JSON columns. */
  json: JsonObject;
  /** Every header as a string, `ce_*` included, for trace context and the like. */
  headers: Record<string, string>;
}

/** One of the decoded events, discriminated by `topic`. */
export type AnyDecodedEvent = { [T in Topic]: DecodedEvent<T> }[Topic];

export type DecodeFailure = "unknown-topic" | "missing-header" | "wrong-type" | "bad-payload";

/** A message that cannot be read as a Tributary event; consumers dead-letter it rather than crash. */
export class EventDecodeError extends Error {
  override readonly name = "EventDecodeError";
  constructor(
    readonly reason: DecodeFailure,
    readonly topic: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot decode event on ${topic}: ${message}`, options);
  }
}

export function headersToStrings(headers: MessageLike["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    // Kafka allows repeated header names; the last one wins, as in most HTTP bindings.
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) out[name] = value.toString();
  }
  return out;
}

export function decodeEvent<T extends Topic>(topic: T, message: MessageLike): DecodedEvent<T>;
export function decodeEvent(topic: string, message: MessageLike): AnyDecodedEvent;
export function decodeEvent(topic: string, message: MessageLike): DecodedEvent<Topic> {
  if (!isTopic(topic)) throw new EventDecodeError("unknown-topic", topic, "not a Tributary topic");
  const headers = headersToStrings(message.headers);
  const required = (name: string): string => {
    const value = headers[name];
    if (!value) throw new EventDecodeError("missing-header", topic, `header ${name} is missing`);
    return value;
  };
  if (required("ce_specversion") !== SPEC_VERSION) {
    throw new EventDecodeError(
      "missing-header",
      topic,
      `unsupported ce_specversion ${headers.ce_specversion}`,
    );
  }
  const type = required("ce_type");
  if (type !== eventType(topic)) {
    throw new EventDecodeError("wrong-type", topic, `ce_type ${type} does not belong on this topic`);
  }
  const time = new Date(required("ce_time"));
  if (Number.isNaN(time.getTime()))
    throw new EventDecodeError("missing-header", topic, "ce_time is not a date");
  if (message.value === null) throw new EventDecodeError("bad-payload", topic, "the message has no value");

  const schema = schemaFor(topic);
  let payload: EventPayload<Topic>;
  let json: JsonObject;
  try {
    const bytes = typeof message.value === "string" ? Buffer.from(message.value) : message.value;
    payload = fromBinary(schema, bytes) as EventPayload<Topic>;
    json = toJson(schema, payload as never, { alwaysEmitImplicit: true }) as JsonObject;
  } catch (cause) {
    throw new EventDecodeError("bad-payload", topic, `not a ${schema.typeName}: ${String(cause)}`, { cause });
  }
  return {
    id: required("ce_id"),
    topic,
    type,
    source: required("ce_source"),
    time,
    key: message.key?.toString() ?? "",
    subject: headers.ce_subject ?? "",
    payload,
    json,
    headers,
  };
}

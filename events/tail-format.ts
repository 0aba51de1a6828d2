// How `events:tail` shows a Kafka message: one JSON object per line, decoded when it is a Tributary event.
import type { JsonObject } from "@bufbuild/protobuf";
import type { KafkaMessage } from "kafkajs";
import { decodeEvent, headersToStrings } from "./codec.ts";

export interface TailLine {
  topic: string;
  partition: number;
  offset: string;
  id?: string;
  type?: string;
  source?: string;
  time?: string;
  key: string | null;
  payload?: JsonObject;
  /** Set on `<topic>.dlq` messages: why the consumer gave up. */
  deadLetter?: Record<string, string>;
  /** Set when the message is not a readable Tributary event; the headers then help find out why. */
  error?: string;
  headers?: Record<string, string>;
}

export function formatMessage(topic: string, partition: number, message: KafkaMessage): TailLine {
  const headers = headersToStrings(message.headers);
  const key = message.key?.toString() ?? null;
  const base = { topic, partition, offset: message.offset };
  // A dead letter is the original message plus dlq_* headers, so it decodes as its original topic.
  const eventTopic = headers.dlq_original_topic ?? topic;
  const deadLetter = deadLetterHeaders(headers);
  try {
    const event = decodeEvent(eventTopic, message);
    return {
      ...base,
      id: event.id,
      type: event.type,
      source: event.source,
      time: event.time.toISOString(),
      key,
      payload: event.json,
      ...(deadLetter && { deadLetter }),
    };
  } catch (error) {
    return { ...base, key, error: error instanceof Error ? error.message : String(error), headers };
  }
}

function deadLetterHeaders(headers: Record<string, string>): Record<string, string> | undefined {
  const entries = Object.entries(headers).filter(([name]) => name.startsWith("dlq_"));
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([name, value]) => [camel(name.slice(4)), value]));
}

function camel(snake: string): string {
  return snake.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

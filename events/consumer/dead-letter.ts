// Dead letters: the original message, unchanged, plus headers that say where it came from and why it failed.
import type { IHeaders, KafkaMessage, Message } from "kafkajs";

export interface DeadLetterInput {
  topic: string;
  partition: number;
  message: KafkaMessage;
  error: unknown;
  /** Handler attempts made; 0 when the message could not even be decoded. */
  attempts: number;
  groupId: string;
  source: string;
  failedAt?: Date;
}

/** Long stack traces do not belong in a header; the first part of the message is what a person needs. */
const MAX_ERROR_LENGTH = 1_000;

export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > MAX_ERROR_LENGTH ? text.slice(0, MAX_ERROR_LENGTH) + "…" : text;
}

/** The message to publish on `<topic>.dlq`: same key and value, so it can be replayed onto the original topic. */
export function deadLetterMessage(input: DeadLetterInput): Message {
  const { message } = input;
  const headers: IHeaders = {
    ...message.headers,
    dlq_error: describeError(input.error),
    dlq_attempts: String(input.attempts),
    dlq_original_topic: input.topic,
    dlq_original_partition: String(input.partition),
    dlq_original_offset: message.offset,
    dlq_consumer_group: input.groupId,
    dlq_source: input.source,
    dlq_failed_at: (input.failedAt ?? new Date()).toISOString(),
  };
  return { key: message.key, value: message.value, headers, timestamp: message.timestamp };
}

// The live consumer's memory of recent event ids, per topic: a record whose id already came at another
// offset is a re-sent copy and is not dispatched; replays consult it too.
import type { KafkaMessage } from "kafkajs";
import { placeOf, RecentIds } from "./recent-ids.ts";

/** The CloudEvents id straight from the header, without decoding the payload. */
export function eventIdOf(message: KafkaMessage): string | undefined {
  const raw = message.headers?.ce_id;
  const value = Array.isArray(raw) ? raw.at(-1) : raw;
  return value === undefined ? undefined : value.toString();
}

export class LiveEventIds {
  private readonly topics = new Map<string, RecentIds>();

  constructor(private readonly window: number) {}

  /** Notes the record; false when it is a copy of an event seen at another offset. */
  admit(topic: string, partition: number, message: KafkaMessage): boolean {
    const id = eventIdOf(message);
    if (id === undefined) return true;
    let recent = this.topics.get(topic);
    if (!recent) {
      recent = new RecentIds(this.window);
      this.topics.set(topic, recent);
    }
    return recent.admit(id, placeOf(partition, message.offset));
  }

  /** Whether the live consumer saw another copy of this event first. */
  isDuplicate(topic: string, id: string, place: string): boolean {
    return this.topics.get(topic)?.isDuplicate(id, place) ?? false;
  }
}

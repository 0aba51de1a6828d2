// A delivered event's position in Kafka, as an opaque string clients can hand back to resume.
export interface EventCursor {
  topic: string;
  partition: number;
  /** Kafka offsets are int64; kept as the decimal string kafkajs gives. */
  offset: string;
}

export function encodeCursor({ topic, partition, offset }: EventCursor): string {
  return Buffer.from(`${topic}:${partition}:${offset}`).toString("base64url");
}

/** Topics may not contain ":", so the last two fields are always partition and offset. */
export function decodeCursor(cursor: string): EventCursor | null {
  const match = /^(.+):(\d+):(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match?.[1] || !match[2] || !match[3]) return null;
  return { topic: match[1], partition: Number(match[2]), offset: match[3] };
}

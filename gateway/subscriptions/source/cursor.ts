// Resume positions: an opaque base64url string naming, for one topic, the last offset seen on every partition.
/** One record's place in Kafka. */
export interface EventCursor {
  topic: string;
  partition: number;
  /** Kafka offsets are int64; kept as the decimal string kafkajs gives. */
  offset: string;
}

/**
 * Where a subscriber stands in a topic: partition -> last offset handled (-1: none yet).
 * A cursor carries every partition, not only the one of the event it came with: events on the other
 * partitions since the subscriber left must be replayed too, and Kafka orders only within a partition.
 */
export interface ResumePosition {
  topic: string;
  offsets: Map<number, bigint>;
}

/** `topic:0=12,1=-1,2=40`, base64url. */
export function encodeCursor({ topic, offsets }: ResumePosition): string {
  const parts = [...offsets].sort(([a], [b]) => a - b).map(([p, o]) => `${p}=${o}`);
  return Buffer.from(`${topic}:${parts.join(",")}`).toString("base64url");
}

/** Topics may not contain ":", so the last ":" starts the offsets; null when it is not a cursor. */
export function decodeCursor(cursor: string): ResumePosition | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const colon = text.lastIndexOf(":");
  if (colon <= 0) return null;
  const offsets = new Map<number, bigint>();
  for (const part of text.slice(colon + 1).split(",")) {
    const match = /^(\d{1,9})=(-1|\d{1,19})$/.exec(part);
    if (!match?.[1] || !match[2] || offsets.has(Number(match[1]))) return null;
    offsets.set(Number(match[1]), BigInt(match[2]));
  }
  return { topic: text.slice(0, colon), offsets };
}

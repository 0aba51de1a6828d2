// The live consumer's position per topic and partition: what every cursor and every replay is measured against.
import { encodeCursor } from "./cursor.ts";

export class LivePositions {
  private readonly topics = new Map<string, Map<number, bigint>>();

  /** Records that `offset` of this partition has been dispatched (or dropped) by the live consumer. */
  advance(topic: string, partition: number, offset: bigint): void {
    let partitions = this.topics.get(topic);
    if (!partitions) {
      partitions = new Map();
      this.topics.set(topic, partitions);
    }
    const known = partitions.get(partition);
    if (known === undefined || offset > known) partitions.set(partition, offset);
  }

  /** Sets a partition's start (the offset before the first one consumed) unless it is already known. */
  initialise(topic: string, partition: number, before: bigint): void {
    const partitions = this.topics.get(topic);
    if (partitions?.has(partition)) return;
    this.advance(topic, partition, before);
  }

  get(topic: string, partition: number): bigint | undefined {
    return this.topics.get(topic)?.get(partition);
  }

  /** A copy: callers keep it as the boundary between replay and live delivery. */
  snapshot(topic: string): Map<number, bigint> {
    return new Map(this.topics.get(topic));
  }

  cursor(topic: string): string {
    return encodeCursor({ topic, offsets: this.topics.get(topic) ?? new Map() });
  }
}

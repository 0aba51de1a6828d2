// Whether a decoded cursor can be resumed from, against the topic's partitions as Kafka has them now.
import type { ResumePosition } from "./cursor.ts";

export interface CursorError {
  message: string;
  extensions: { code: "BAD_USER_INPUT" | "CURSOR_EXPIRED" };
}

/** One partition as Kafka reports it: the first retained offset and the next offset to be written. */
export interface Watermarks {
  partition: number;
  low: bigint;
  high: bigint;
}

export interface ResumeStart {
  /** Per partition, the last offset the subscriber has. */
  from: Map<number, bigint>;
  /** Events between the cursor and the end of every partition now: what the replay will read at most. */
  behind: number;
}

const badInput = (message: string): CursorError => ({ message, extensions: { code: "BAD_USER_INPUT" } });

/**
 * A cursor must name exactly the topic's partitions (it was issued for every one of them), each at an
 * offset Kafka has written; an offset below what Kafka retains means events were lost.
 */
export function checkPosition(
  position: ResumePosition,
  partitions: readonly Watermarks[],
): ResumeStart | CursorError {
  // Each named partition first: an expired one says "events were lost", the more useful answer.
  for (const { partition, low, high } of partitions) {
    const last = position.offsets.get(partition);
    if (last === undefined) continue;
    if (last >= high) {
      return badInput(
        `The cursor is past the end of partition ${partition} (offset ${last}, last written ${high - 1n}): it was not issued by this cluster, or was edited.`,
      );
    }
    if (last + 1n < low) {
      return {
        message: `The cursor is older than Kafka's retention (partition ${partition} now starts at ${low}); events were lost, so subscribe again without \`after\` and reload your state.`,
        extensions: { code: "CURSOR_EXPIRED" },
      };
    }
  }
  const named = [...position.offsets.keys()].sort((a, b) => a - b);
  const actual = partitions.map((p) => p.partition).sort((a, b) => a - b);
  if (named.join() !== actual.join()) {
    return badInput(
      `The cursor names partitions [${named.join(", ")}] but the topic has [${actual.join(", ")}]: it was not issued for this topic as it is now (cut short, or the topic's partitions changed). Subscribe again without \`after\` and reload your state.`,
    );
  }
  const from = new Map<number, bigint>();
  let behind = 0n;
  for (const { partition, high } of partitions) {
    const last = position.offsets.get(partition)!;
    from.set(partition, last);
    behind += high - 1n - last;
  }
  return { from, behind: Number(behind) };
}

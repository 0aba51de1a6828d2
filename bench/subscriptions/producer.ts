// The bench's event source: `setStock` mutations through the gateway at a fixed rate, open loop.
// Each mutation is sent when it is due, whether or not the previous one has answered (a closed loop, one
// mutation at a time, could never offer more events/s than 1 / mutation latency). Every event sets a new
// quantity, so a delivery says which event it is by the `stock` it carries, whatever order they commit in.
import { sleep } from "../../events/backoff.ts";
import { wallClock } from "./subscribers.ts";

export interface Production {
  /** When the mutation that set stock `q` was sent: `sentAt.get(q)`, on the bench's shared wall clock. */
  sentAt: Map<number, number>;
  /** Each mutation's round trip, ms. */
  mutationMs: number[];
  began: number;
  /** When the last mutation was sent. */
  lastSent: number;
  /** Mutations that failed (a failed mutation produces no event; counted, never retried). */
  failed: number;
}

/**
 * Sends `rate * seconds` mutations, `setStock(quantity)` with quantities `first`, `first + 1`, ..., at
 * `rate` per second. At most `maxInFlight` are outstanding: a stalled gateway slows the producer down
 * (and the achieved rate shows it) instead of piling up thousands of requests.
 */
export async function produceAtRate(options: {
  rate: number;
  seconds: number;
  first: number;
  setStock: (quantity: number) => Promise<void>;
  maxInFlight?: number;
}): Promise<Production> {
  const { rate, seconds, first, setStock } = options;
  const maxInFlight = options.maxInFlight ?? 32;
  const sentAt = new Map<number, number>();
  const mutationMs: number[] = [];
  const pending = new Set<Promise<void>>();
  let failed = 0;
  const began = wallClock();
  let lastSent = began;
  for (let i = 0; i < rate * seconds; i++) {
    const wait = began + (i * 1000) / rate - wallClock();
    if (wait > 0) await sleep(wait);
    while (pending.size >= maxInFlight) await Promise.race(pending);
    const quantity = first + i;
    const sent = wallClock();
    sentAt.set(quantity, sent);
    lastSent = sent;
    const mutation = setStock(quantity).then(
      () => void mutationMs.push(wallClock() - sent),
      () => {
        failed++;
        sentAt.delete(quantity);
      },
    );
    pending.add(mutation);
    void mutation.finally(() => pending.delete(mutation));
  }
  await Promise.all(pending);
  return { sentAt, mutationMs, began, lastSent, failed };
}

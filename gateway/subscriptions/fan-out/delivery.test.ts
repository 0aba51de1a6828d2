import { describe, expect, it } from "vitest";
import { type Delivery, SharedDelivery, STREAMS_PER_TURN } from "./delivery.ts";
import { SubscriberStream } from "./stream.ts";

/**
 * Lets the event loop turn until `done()` holds, failing after `turns` turns. Slices run one per turn, so a
 * count of turns, not a time, is what a fan-out needs: a timer could fire between two slices on a busy machine.
 */
async function turnsUntil(done: () => boolean, turns = 50): Promise<void> {
  for (let turn = 0; turn < turns && !done(); turn++) await new Promise((next) => setImmediate(next));
  expect(done(), `not done after ${turns} turns of the event loop`).toBe(true);
}

describe("SharedDelivery", () => {
  it("tells a large group in slices, letting the event loop run between them", async () => {
    const told: number[] = [];
    const between: number[] = [];
    const group = STREAMS_PER_TURN * 2 + 10;
    let resolve!: (value: Delivery) => void;
    const delivery = new SharedDelivery(new Promise<Delivery>((r) => (resolve = r)));
    for (let index = 0; index < group; index++) {
      delivery.whenSettled({
        onSettled: () => {
          expect(delivery.settled).toBe(true);
          told.push(index);
          // Work queued by the first stream (an arriving request, say) runs before the last slice.
          if (index === 0) setImmediate(() => between.push(told.length));
        },
      });
    }
    resolve({ data: { n: 1 } });
    await Promise.resolve();
    expect(told).toHaveLength(STREAMS_PER_TURN);
    await turnsUntil(() => told.length === group);
    expect(told).toEqual([...Array(group).keys()]);
    expect(between).toHaveLength(1);
    expect(between[0]).toBeLessThan(group);
  });

  it("keeps every stream's order when the next event settles while the last one is still being told", async () => {
    let settleFirst!: (value: Delivery) => void;
    const first = new SharedDelivery(new Promise<Delivery>((r) => (settleFirst = r)));
    const second = new SharedDelivery(Promise.resolve({ data: { n: 2 } }));
    const written: number[][] = [];
    for (let index = 0; index < STREAMS_PER_TURN * 3; index++) {
      const seen: number[] = [];
      written.push(seen);
      const stream = new SubscriberStream({ maxQueue: 10, onClose: () => {} });
      stream.push(first);
      stream.push(second);
      void stream.pushTo({
        write: (result) => seen.push((result.data as { n: number }).n),
        full: false,
        onDrain: () => {},
      });
    }
    settleFirst({ data: { n: 1 } });
    await turnsUntil(() => written.every((seen) => seen.length >= 2));
    for (const seen of written) expect(seen).toEqual([1, 2]);
  });
});

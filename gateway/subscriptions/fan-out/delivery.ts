// One event's result for a whole group of subscribers: resolved once, read by every member's stream.
import type { FormattedExecutionResult } from "graphql";

/** `null`: nothing to send (the entity was gone, or resolving it failed and was logged). */
export type Delivery = FormattedExecutionResult | null;

/** What waits on a SharedDelivery: a subscriber's stream, told once when the result is there. */
export interface SettleListener {
  onSettled(): void;
}

/**
 * Streams told per turn of the event loop. Telling a stream writes its frame (a syscall), so a large
 * group is milliseconds of work; told all at once, every request, consumer fetch and subgraph answer
 * that arrived meanwhile waits behind it, and at 50 events/s those waits add up along an event's path
 * (docs/benchmarks.md, "Subscriptions"). In slices, the loop reads its sockets between them.
 */
export const STREAMS_PER_TURN = 128;

function tell(listeners: SettleListener[], from: number): void {
  const end = Math.min(from + STREAMS_PER_TURN, listeners.length);
  for (let index = from; index < end; index++) listeners[index]!.onSettled();
  if (end < listeners.length) setImmediate(tell, listeners, end);
}

/**
 * A resolution shared by a group. Streams read `settled`/`value` synchronously and register to be told when
 * it settles, so a thousand subscribers of one group cost one promise callback per event, not a thousand.
 * Order still holds across slices: a stream writes its queue in order whenever it is told, and one not yet
 * told of this event has it at the head of its queue, ahead of any later event.
 */
export class SharedDelivery {
  settled = false;
  value: Delivery = null;
  private listeners: SettleListener[] | undefined = [];

  constructor(result: Promise<Delivery>) {
    result.then(
      (value) => this.settle(value),
      () => this.settle(null),
    );
  }

  /** Registers `listener` for the moment the result is there; callers check `settled` first. */
  whenSettled(listener: SettleListener): void {
    this.listeners?.push(listener);
  }

  private settle(value: Delivery): void {
    this.value = value;
    this.settled = true;
    const listeners = this.listeners ?? [];
    this.listeners = undefined;
    tell(listeners, 0);
  }
}

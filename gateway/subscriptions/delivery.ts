// One event's result for a whole group of subscribers: resolved once, read by every member's stream.
import type { FormattedExecutionResult } from "graphql";

/** `null`: nothing to send (the entity was gone, or resolving it failed and was logged). */
export type Delivery = FormattedExecutionResult | null;

/** What waits on a SharedDelivery: a subscriber's stream, told once when the result is there. */
export interface SettleListener {
  onSettled(): void;
}

/**
 * A resolution shared by a group. Streams read `settled`/`value` synchronously and register to be told when
 * it settles, so a thousand subscribers of one group cost one promise callback per event, not a thousand.
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
    for (const listener of listeners) listener.onSettled();
  }
}

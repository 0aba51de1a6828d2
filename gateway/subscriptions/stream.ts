// One subscriber's ordered stream: results are queued as promises in Kafka order and sent as they settle.
import type { FormattedExecutionResult } from "graphql";

export type Delivery = FormattedExecutionResult | null;

export interface StreamOptions {
  /** Undelivered events tolerated before the subscriber is cut off. */
  maxQueue: number;
  onClose: () => void;
}

/**
 * An AsyncGenerator as graphql-ws expects (it calls `return()` on complete and on close).
 * Each queued promise resolves once per event group, so one resolution serves many streams;
 * `null` means "nothing to send" (the entity was gone) and is skipped.
 */
export class SubscriberStream implements AsyncGenerator<FormattedExecutionResult, void> {
  private readonly queue: Promise<Delivery>[] = [];
  private waiting: (() => void) | undefined;
  private closing = false;
  private last: FormattedExecutionResult | undefined;
  private closed = false;

  constructor(private readonly options: StreamOptions) {}

  get isClosed(): boolean {
    return this.closed;
  }

  push(delivery: Promise<Delivery>): void {
    if (this.closed || this.closing) return;
    if (this.queue.length >= this.options.maxQueue) {
      const message = `This subscription fell more than ${this.options.maxQueue} events behind and was closed; subscribe again.`;
      this.end({ errors: [{ message, extensions: { code: "RATE_LIMITED" } }] });
      return;
    }
    this.queue.push(delivery);
    this.wake();
  }

  /** Ends after what is already queued; `last`, if given, is sent as the final result. */
  end(last?: FormattedExecutionResult): void {
    if (this.closed || this.closing) return;
    this.closing = true;
    this.last = last;
    this.wake();
  }

  private wake(): void {
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.();
  }

  async next(): Promise<IteratorResult<FormattedExecutionResult, void>> {
    while (!this.closed) {
      const head = this.queue.shift();
      if (head) {
        const delivery = await head.catch(() => null);
        if (delivery && !this.closed) return { value: delivery, done: false };
      } else if (this.closing) {
        const last = this.last;
        this.last = undefined;
        if (last) return { value: last, done: false };
        break;
      } else {
        await new Promise<void>((resolve) => {
          this.waiting = resolve;
        });
      }
    }
    return this.finish();
  }

  async return(): Promise<IteratorResult<FormattedExecutionResult, void>> {
    return this.finish();
  }

  async throw(error: unknown): Promise<IteratorResult<FormattedExecutionResult, void>> {
    this.finish();
    throw error;
  }

  private finish(): IteratorResult<FormattedExecutionResult, void> {
    if (!this.closed) {
      this.closed = true;
      this.queue.length = 0;
      this.wake();
      this.options.onClose();
    }
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

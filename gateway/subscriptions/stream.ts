// One subscriber's ordered stream: results are queued as promises in Kafka order and sent as they settle.
import type { FormattedExecutionResult } from "graphql";

export type Delivery = FormattedExecutionResult | null;

export interface StreamOptions {
  /** Undelivered events tolerated before the subscriber is cut off. */
  maxQueue: number;
  onClose: () => void;
  /**
   * Called instead of a final RATE_LIMITED result when the subscriber falls `maxQueue` behind; the
   * transport closes with its documented code (WebSocket 4429) so the client resumes with its last cursor.
   */
  onOverflow?: () => void;
  /** Resumed subscriptions hold live events back until the replay before them is queued. */
  hold?: boolean;
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
  private held: Promise<Delivery>[] | undefined;
  private roomWaiters: (() => void)[] = [];

  constructor(private readonly options: StreamOptions) {
    if (options.hold) this.held = [];
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A live event: queued, or held while a replay runs. */
  push(delivery: Promise<Delivery>): void {
    if (this.held) {
      if (this.closed || this.closing) return;
      if (this.queue.length + this.held.length >= this.options.maxQueue) this.overflow();
      else this.held.push(delivery);
      return;
    }
    this.enqueue(delivery);
  }

  /** A replayed event: always ahead of the held live ones. */
  pushReplayed(delivery: Promise<Delivery>): void {
    this.enqueue(delivery);
  }

  /** The replay is complete: held live events follow it. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const delivery of held) this.enqueue(delivery);
  }

  /** Resolves once the queue is at most half full (replay pacing), or the stream closed. */
  async room(): Promise<void> {
    while (!this.closed && !this.closing && this.queue.length > this.options.maxQueue / 2) {
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
  }

  private overflow(): void {
    if (this.options.onOverflow) {
      // WebSocket: the socket closes (graphql-ws then ends the stream); SSE: `end` with a final error.
      this.options.onOverflow();
      if (!this.closing) this.finish();
      return;
    }
    const message = `This subscription fell more than ${this.options.maxQueue} events behind and was closed; subscribe again.`;
    this.end({ errors: [{ message, extensions: { code: "RATE_LIMITED" } }] });
  }

  private enqueue(delivery: Promise<Delivery>): void {
    if (this.closed || this.closing) return;
    if (this.queue.length + (this.held?.length ?? 0) >= this.options.maxQueue) {
      this.overflow();
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
      if (this.roomWaiters.length > 0 && this.queue.length <= this.options.maxQueue / 2) {
        for (const resolve of this.roomWaiters.splice(0)) resolve();
      }
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
      this.held = undefined;
      this.wake();
      for (const resolve of this.roomWaiters.splice(0)) resolve();
      this.options.onClose();
    }
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

// One subscriber's ordered stream: results are queued in Kafka order and handed on as they settle, either
// pulled (an AsyncGenerator, for graphql-sse) or pushed straight into the transport (a DeliverySink, for
// graphql-ws: no promise per subscriber per event on the fan-out's hot path).
import type { FormattedExecutionResult } from "graphql";
import { type Delivery, type SettleListener, SharedDelivery } from "./delivery.ts";

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

/** Where a pushed stream writes: the transport, written to synchronously and in order. */
export interface DeliverySink {
  write(result: FormattedExecutionResult): void;
  /** True while the transport's buffer is full: results stay in the (bounded) queue until it drains. */
  readonly full: boolean;
  /** Calls `resume` once, when the transport can take more. */
  onDrain(resume: () => void): void;
  /**
   * True once the transport is closing (e.g. another subscription on the same connection was cut off):
   * nothing more can be sent, so the stream ends instead of writing into a closing connection.
   */
  readonly closed?: boolean;
}

/**
 * An AsyncGenerator as graphql-ws and graphql-sse expect (they call `return()` on complete and on close).
 * Each queued delivery settles once per event group, so one resolution serves many streams;
 * a `null` delivery means "nothing to send" and is skipped.
 */
export class SubscriberStream implements AsyncGenerator<FormattedExecutionResult, void>, SettleListener {
  private readonly queue: SharedDelivery[] = [];
  /** Live events held during a replay, each with its admission check, asked when it is finally queued. */
  private held: [SharedDelivery, (() => boolean) | undefined][] | undefined;
  /** The unsettled head this stream is registered on, so it registers once. */
  private awaiting: SharedDelivery | undefined;
  private closing = false;
  private last: FormattedExecutionResult | undefined;
  private closed = false;
  private roomWaiters: (() => void)[] = [];
  /** Pull mode: the pending `next()` waiting for something to happen. */
  private waiting: (() => void) | undefined;
  /** Push mode: where results go, and whether a drain is awaited. */
  private sink: DeliverySink | undefined;
  private draining = false;
  private pumping = false;
  private finished: (() => void) | undefined;

  constructor(private readonly options: StreamOptions) {
    if (options.hold) this.held = [];
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A live event: queued, or held while a replay runs; `admit` false (asked when queued) drops it. */
  push(delivery: SharedDelivery | Promise<Delivery>, admit?: () => boolean): void {
    const shared = delivery instanceof SharedDelivery ? delivery : new SharedDelivery(delivery);
    if (this.held) {
      if (this.closed || this.closing) return;
      if (this.queue.length + this.held.length >= this.options.maxQueue) this.overflow();
      else this.held.push([shared, admit]);
      return;
    }
    if (admit && !admit()) return;
    this.enqueue(shared);
  }

  /** A replayed event: always ahead of the held live ones. */
  pushReplayed(delivery: Promise<Delivery>): void {
    this.enqueue(new SharedDelivery(delivery));
  }

  /** The replay is complete: held live events follow it. */
  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const [delivery, admit] of held) if (!admit || admit()) this.enqueue(delivery);
  }

  /** Resolves once the queue is at most half full (replay pacing), or the stream closed. */
  async room(): Promise<void> {
    while (!this.closed && !this.closing && this.queue.length > this.options.maxQueue / 2) {
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
  }

  /**
   * Push mode: from now on every result is written to `sink` as soon as it and those before it have
   * settled. Resolves when the stream is finished (ended, returned or cut off).
   */
  pushTo(sink: DeliverySink): Promise<void> {
    this.sink = sink;
    const finished = new Promise<void>((resolve) => {
      this.finished = resolve;
    });
    if (this.closed) this.finished?.();
    else this.onSettled();
    return finished;
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

  private enqueue(delivery: SharedDelivery): void {
    if (this.closed || this.closing) return;
    if (this.queue.length + (this.held?.length ?? 0) >= this.options.maxQueue) {
      this.overflow();
      return;
    }
    this.queue.push(delivery);
    if (this.queue.length === 1) this.onSettled();
  }

  /** Ends after what is already queued; `last`, if given, is sent as the final result. */
  end(last?: FormattedExecutionResult): void {
    if (this.closed || this.closing) return;
    this.closing = true;
    this.last = last;
    this.onSettled();
  }

  /** Something may be ready: the head settled, the sink drained, an event or the end was queued. */
  onSettled(): void {
    if (this.sink) this.pump();
    else this.wake();
  }

  private wake(): void {
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.();
  }

  /** The head of the queue if it has settled; otherwise registers to be told when it does. */
  private settledHead(): SharedDelivery | undefined {
    const head = this.queue[0];
    if (!head || head.settled) return head;
    if (this.awaiting !== head) {
      this.awaiting = head;
      head.whenSettled(this);
    }
    return undefined;
  }

  private shift(): void {
    this.queue.shift();
    if (this.roomWaiters.length > 0 && this.queue.length <= this.options.maxQueue / 2) {
      for (const resolve of this.roomWaiters.splice(0)) resolve();
    }
  }

  /** Push mode: writes every settled result in order, until the head is pending or the sink is full. */
  private pump(): void {
    const sink = this.sink!;
    // A write can close the socket, which returns this stream; the outer call carries on safely.
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed) {
        if (sink.closed) {
          this.finish();
          return;
        }
        if (this.queue.length === 0) {
          if (!this.closing) return;
          const last = this.last;
          this.last = undefined;
          if (last) sink.write(last);
          this.finish();
          return;
        }
        const head = this.settledHead();
        if (!head) return;
        if (sink.full) {
          if (!this.draining) {
            this.draining = true;
            sink.onDrain(() => {
              this.draining = false;
              this.pump();
            });
          }
          return;
        }
        this.shift();
        if (head.value) sink.write(head.value);
      }
    } finally {
      this.pumping = false;
    }
  }

  async next(): Promise<IteratorResult<FormattedExecutionResult, void>> {
    while (!this.closed) {
      if (this.queue.length > 0) {
        const head = this.settledHead();
        if (head) {
          this.shift();
          if (head.value) return { value: head.value, done: false };
          continue;
        }
      } else if (this.closing) {
        const last = this.last;
        this.last = undefined;
        if (last) return { value: last, done: false };
        break;
      }
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
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
      this.awaiting = undefined;
      this.wake();
      for (const resolve of this.roomWaiters.splice(0)) resolve();
      this.finished?.();
      this.options.onClose();
    }
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

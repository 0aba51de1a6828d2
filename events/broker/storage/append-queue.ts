// Ordered appends to one file on the libuv thread pool. A write() into the page cache is usually
// microseconds, but on ext4 it can block for as long as a journal commit or a concurrent fdatasync
// takes (tens of milliseconds on a busy disk). Done synchronously that stalls every client of the
// broker, so appends are queued here and the event loop only learns when they have landed.

import fs from "node:fs";

/** Fewer buffers per writev keeps one call from exceeding IOV_MAX (1024 on Linux). */
const MAX_BUFFERS_PER_WRITE = 512;

export class AppendQueue {
  /** Bytes known to be in the file (in the page cache, not necessarily on disk). */
  writtenBytes: number;
  /** Bytes accepted so far, written or not: where the next append goes. */
  private endBytes: number;
  private queued: Buffer[] = [];
  private writing = false;
  private failure: Error | undefined;
  private waiters: Array<{ upTo: number; resolve: () => void; reject: (err: Error) => void }> = [];
  private onIdle: (() => void) | undefined;

  constructor(
    private readonly fd: number,
    startBytes: number,
    /** Called after each completed write, before anyone waiting for it is told (marks the fd dirty). */
    private readonly onWritten: () => void,
  ) {
    this.writtenBytes = startBytes;
    this.endBytes = startBytes;
  }

  /** The first error a write hit; the queue accepts nothing after it. */
  get failed(): Error | undefined {
    return this.failure;
  }

  get idle(): boolean {
    return !this.writing && this.queued.length === 0;
  }

  /** Queues `data` at the current end of the file and returns the position it will occupy. */
  append(data: Buffer): number {
    if (this.failure) throw this.failure;
    const position = this.endBytes;
    this.queued.push(data);
    this.endBytes += data.length;
    if (!this.writing) this.writeNext();
    return position;
  }

  /** Resolves once everything appended so far is in the file; rejects if a write failed. */
  written(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.writtenBytes >= this.endBytes) return Promise.resolve();
    return new Promise((resolve, reject) => this.waiters.push({ upTo: this.endBytes, resolve, reject }));
  }

  /** Drops what has not started and calls `then` once no write is running on the fd any more. */
  abandon(then: () => void): void {
    this.queued = [];
    this.endBytes = this.writtenBytes;
    this.fail(new Error("log closed"));
    if (this.writing) this.onIdle = then;
    else then();
  }

  private writeNext(): void {
    const buffers = this.queued.splice(0, MAX_BUFFERS_PER_WRITE);
    if (buffers.length === 0) return;
    this.writing = true;
    let length = 0;
    for (const b of buffers) length += b.length;
    this.writeAll(buffers, length, this.writtenBytes, (err) => {
      this.writing = false;
      if (this.onIdle) {
        const then = this.onIdle;
        this.onIdle = undefined;
        then();
        return;
      }
      if (err) {
        this.fail(err);
        return;
      }
      this.writtenBytes += length;
      this.onWritten();
      while (this.waiters.length > 0 && this.waiters[0]!.upTo <= this.writtenBytes)
        this.waiters.shift()!.resolve();
      this.writeNext();
    });
  }

  /** writev may write less than asked (a full disk, a signal); the rest goes in further calls. */
  private writeAll(buffers: Buffer[], length: number, position: number, done: (err: Error | null) => void) {
    fs.writev(this.fd, buffers, position, (err, n) => {
      if (err) return done(err);
      if (n === length) return done(null);
      if (n === 0) return done(new Error(`short write at ${position}`));
      const rest = Buffer.concat(buffers, length).subarray(n);
      this.writeAll([rest], rest.length, position + n, done);
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiters.splice(0)) w.reject(this.failure);
  }
}

// Group commit: every write made while one fdatasync round runs shares the next round,
// so acks=-1 with fsync "always" costs one disk flush per burst, not one per request.

import fs from "node:fs";

export type FsyncPolicy = "always" | "never" | number;

/** How stale lazily synced metadata may get under "always" if the machine (not the process) dies. */
const LAZY_SYNC_MS = 200;

export class Flusher {
  private dirty = new Set<number>();
  private lazy = new Set<number>();
  private inFlight = new Set<number>();
  private closeAfterRound = new Set<number>();
  private waiters: Array<() => void> = [];
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];

  constructor(
    readonly policy: FsyncPolicy,
    private readonly onError: (err: Error) => void,
  ) {
    const every =
      typeof policy === "number" ? Math.max(1, policy) : policy === "always" ? LAZY_SYNC_MS : undefined;
    if (every !== undefined) this.timer = setInterval(() => this.syncLazy(), every);
  }

  /**
   * For writes nobody waits on (offset commits, at one per consumer fetch): synced on the interval
   * instead of adding an fdatasync to every group-commit round.
   */
  markLazy(fd: number): void {
    if (!this.dirty.has(fd)) this.lazy.add(fd);
  }

  private syncLazy(): void {
    for (const fd of this.lazy) this.dirty.add(fd);
    this.lazy.clear();
    if (this.dirty.size > 0) void this.sync();
  }

  markDirty(fd: number): void {
    this.dirty.add(fd);
  }

  /** Resolves when earlier writes are durable under the policy; "never" and intervals ack at once. */
  durable(): Promise<void> | undefined {
    if (this.policy !== "always") return undefined;
    return this.sync();
  }

  /** Closes `fd` now, or once the fdatasync running on it returns, so the number is never reused mid-flight. */
  closeFd(fd: number): void {
    this.dirty.delete(fd);
    this.lazy.delete(fd);
    if (this.inFlight.has(fd)) this.closeAfterRound.add(fd);
    else closeQuietly(fd);
  }

  sync(): Promise<void> {
    const done = new Promise<void>((resolve) => this.waiters.push(resolve));
    if (!this.running) this.startRound();
    return done;
  }

  private startRound(): void {
    this.running = true;
    // Yield once so requests decoded in the same tick join this round.
    setImmediate(() => {
      const fds = [...this.dirty];
      const waiters = this.waiters;
      this.dirty.clear();
      this.waiters = [];
      for (const fd of fds) this.inFlight.add(fd);
      let pending = fds.length;
      const finish = () => {
        for (const fd of this.closeAfterRound) closeQuietly(fd);
        this.closeAfterRound.clear();
        this.inFlight.clear();
        this.running = false;
        for (const w of waiters) w();
        if (this.waiters.length > 0) this.startRound();
        else for (const w of this.idleWaiters.splice(0)) w();
      };
      if (pending === 0) return finish();
      for (const fd of fds) {
        fs.fdatasync(fd, (err) => {
          if (err && err.code !== "EBADF") this.onError(err);
          if (--pending === 0) finish();
        });
      }
    });
  }

  /** Final flush for shutdown; later writes are not expected. */
  async shutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const fd of this.lazy) this.dirty.add(fd);
    this.lazy.clear();
    if (this.policy !== "never" && this.dirty.size > 0) await this.sync();
    if (this.running) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Already closed: nothing left to release.
  }
}

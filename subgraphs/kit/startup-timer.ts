// Milliseconds spent in each start-up step, plus the time the process took to get there (mostly module loading).
import { performance } from "node:perf_hooks";

export class StartupTimer {
  private readonly steps: Record<string, number> = {};
  private last = performance.now();
  /** Time from process start to this timer: Node's own boot plus importing every module. */
  private readonly beforeStart = Math.round(this.last);

  /** Records the time since the previous lap (or since the timer was made) under `step`. */
  lap(step: string): void {
    const now = performance.now();
    this.steps[step] = Math.round(now - this.last);
    this.last = now;
  }

  /** `{ boot, <step>..., total }` in milliseconds, where total is measured from process start. */
  report(): Record<string, number> {
    return { boot: this.beforeStart, ...this.steps, total: Math.round(this.last) };
  }
}

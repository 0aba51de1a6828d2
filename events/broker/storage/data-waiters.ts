// Long-poll support: a Fetch with nothing to return parks here and wakes when new records become
// readable (their write landed) in any partition it asked for, so consumers see them within milliseconds.

import type { PartitionLog } from "./partition-log.ts";

export class DataWaiters {
  private byLog = new Map<PartitionLog, Set<() => void>>();
  private all = new Set<() => void>();

  /** Resolves when one of `logs` has new readable records, after `ms`, or when the broker stops. */
  wait(logs: PartitionLog[], ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.all.delete(wake);
        for (const log of logs) {
          const set = this.byLog.get(log);
          set?.delete(wake);
          if (set?.size === 0) this.byLog.delete(log);
        }
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.all.add(wake);
      for (const log of logs) {
        const set = this.byLog.get(log) ?? new Set();
        this.byLog.set(log, set);
        set.add(wake);
      }
    });
  }

  notify(log: PartitionLog): void {
    const set = this.byLog.get(log);
    if (!set) return;
    this.byLog.delete(log);
    for (const wake of set) wake();
  }

  close(): void {
    for (const wake of [...this.all]) wake();
  }
}

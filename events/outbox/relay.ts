// The outbox relay: one loop per database that publishes unsent rows to Kafka, woken after each commit.
// Fast path: a unit of work hands over the rows it just committed and the relay produces them without reading
// them back, as long as it knows the table holds nothing older unsent; anything else goes through the read.
import type { Kafka } from "kafkajs";
import type { Logger } from "../../platform/logger.ts";
import { recordsProduced } from "../../platform/metrics/index.ts";
import { type BackoffOptions, backoffDelay, sleep } from "../backoff.ts";
import type { Db } from "./db.ts";
import { OutboxPublisher } from "./publisher.ts";
import { type Backlog, deleteSentBefore, measureBacklog } from "./queries.ts";
import type { OutboxRow } from "./schema.ts";

export interface OutboxRelayOptions {
  db: Db;
  kafka: Kafka;
  /** CloudEvents `ce_source`, e.g. `/subgraphs/orders`. */
  source: string;
  logger: Logger;
  /** Rows per Kafka request. */
  batchSize?: number;
  /** How often to look for rows nobody woke us for (another process wrote them); wake() is the fast path. */
  idleCheckMs?: number;
  /** How long sent rows stay in the table for inspection. */
  retentionMs?: number;
  cleanupEveryMs?: number;
  /** Delay between attempts while Kafka is unreachable. */
  backoff?: BackoffOptions;
  /** Partitions for topics the relay has to create. */
  partitions?: number;
}

export interface OutboxRelay {
  /**
   * Call right after a transaction that enqueued events commits. Cheap; calls coalesce. Pass the rows it
   * wrote (all of them, as stored) to have them produced without a read; without rows the next pass reads.
   */
  wake(committed?: readonly OutboxRow[]): void;
  /** Finishes the batch in flight, then disconnects. Unsent rows stay for the next start. */
  stop(): Promise<void>;
  backlog(): Promise<Backlog>;
  /** Resolves once no unsent row remains; rejects if the relay stops first. */
  whenDrained(): Promise<void>;
  readonly counters: { published: number; failures: number };
}

const DAY_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_RELAY_BACKOFF: BackoffOptions = { initialDelayMs: 200, maxDelayMs: 10_000, jitter: 0.2 };

export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { db, logger, batchSize = 500, idleCheckMs = 1_000, retentionMs = DAY_MS } = options;
  const { cleanupEveryMs = 10 * 60_000, backoff = DEFAULT_RELAY_BACKOFF } = options;
  const log = logger.child({ component: "outbox-relay" });
  const publisher = new OutboxPublisher(options);
  const counters = { published: 0, failures: 0 };
  // `/subgraphs/orders` -> `orders`: the same service label the subgraph's other metrics carry.
  const service = options.source.split("/").pop() || options.source;
  const stopping = new AbortController();
  let woken = true;
  /** Committed rows handed over by wake(rows), not yet published. */
  let handed: OutboxRow[] = [];
  /**
   * The table may hold unsent rows nobody handed over (from before the start, a wake() without rows, a
   * failed pass, a full batch): the next pass reads the table, in seq order, so a handed row never
   * overtakes an older one. Rows another process wrote are only found by the idle check: one writing
   * process per outbox, as with one relay per database.
   */
  let mustRead = true;
  /**
   * Whether the last rows sent may be on Kafka though unmarked (the process crashed, or a request failed
   * after Kafka kept it): the next read looks for them at the end of their topics before sending.
   */
  let uncertain = true;
  let interruptIdle: (() => void) | null = null;
  let cycleListeners: Array<() => void> = [];
  let lastCleanup = Date.now();

  function wake(committed?: readonly OutboxRow[]): void {
    if (committed?.length) handed.push(...committed);
    else mustRead = true;
    woken = true;
    interruptIdle?.();
  }

  /** Waits for a wake(), stop() or the idle timeout, whichever comes first. */
  function idle(): Promise<void> {
    if (woken || stopping.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, idleCheckMs);
      function done() {
        clearTimeout(timer);
        interruptIdle = null;
        resolve();
      }
      interruptIdle = done;
    });
  }

  function endCycle(): void {
    const listeners = cycleListeners;
    cycleListeners = [];
    for (const listener of listeners) listener();
  }

  async function cleanUp(): Promise<void> {
    if (Date.now() - lastCleanup < cleanupEveryMs) return;
    lastCleanup = Date.now();
    const deleted = await deleteSentBefore(db, new Date(Date.now() - retentionMs));
    if (deleted > 0) log.debug({ deleted }, "pruned sent outbox rows");
  }

  async function run(): Promise<void> {
    let failedAttempts = 0;
    while (!stopping.signal.aborted) {
      // Cleared before reading, so a wake() during the batch triggers another pass instead of being lost.
      woken = false;
      // At most a batch per Kafka request, as on the read path; the rest goes in the next pass.
      const committed = handed.splice(0, batchSize);
      if (handed.length > 0) woken = true;
      // Also after the idle timeout (nothing handed): the fallback look for rows written elsewhere.
      const reading = mustRead || committed.length === 0;
      mustRead = false;
      try {
        let sent: readonly string[];
        let read = 0;
        if (reading) {
          // The read sees every row committed so far, the ones just handed over included.
          let found: readonly string[];
          ({ read, sent, found } = await publisher.publishBatch(batchSize, uncertain));
          uncertain = false;
          if (found.length > 0)
            log.info({ rows: found.length }, "outbox rows were already on Kafka; marked sent");
          // Rows handed over during the read may have been in it: do not publish them twice.
          const done = new Set([...sent, ...found]);
          handed = handed.filter((row) => !done.has(row.id));
          if (read === batchSize) mustRead = true;
        } else {
          sent = await publisher.publishRows(committed.sort((a, b) => a.seq - b.seq));
        }
        counters.published += sent.length;
        if (sent.length > 0) recordsProduced.inc({ service }, sent.length);
        if (failedAttempts > 0) {
          log.info({ attempts: failedAttempts }, "outbox relay reached Kafka again; publishing the backlog");
          failedAttempts = 0;
        }
        endCycle();
        // A full batch of publishable rows means more are probably waiting; go again without idling.
        if (read === batchSize && sent.length > 0) continue;
        await cleanUp();
        await idle();
      } catch (error) {
        // Whatever was handed over is still unsent in the table: the read after the backoff takes it, in order.
        mustRead = true;
        uncertain = true;
        counters.failures++;
        failedAttempts++;
        // Logged on the transition only: an outage of an hour is one warning, not thousands.
        if (failedAttempts === 1)
          log.warn({ err: error }, "outbox relay cannot publish; keeping the backlog and retrying");
        else log.debug({ err: error, attempt: failedAttempts }, "outbox relay retry failed");
        await publisher.reset();
        endCycle();
        await sleep(backoffDelay(failedAttempts, backoff), stopping.signal);
      }
    }
  }

  const running = run();

  return {
    wake,
    counters,
    backlog: () => measureBacklog(db),
    async stop() {
      stopping.abort();
      interruptIdle?.();
      await running;
      await publisher.reset();
      endCycle();
    },
    async whenDrained() {
      for (;;) {
        if (stopping.signal.aborted) throw new Error("the outbox relay stopped before the outbox drained");
        const cycle = new Promise<void>((resolve) => cycleListeners.push(resolve));
        if ((await measureBacklog(db)).pending === 0) return;
        wake();
        await cycle;
      }
    },
  };
}

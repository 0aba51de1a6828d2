// PGlite runs each statement synchronously on the event loop, and its lock hands over to the next waiter in a
// microtask: under load, queued statements run back to back and the event loop does not turn until the queue
// is empty. Nothing else happens meanwhile: no new connection is accepted, no request read, no Kafka heartbeat
// sent. Under sustained writes the loop stalls for long stretches, and connections opened meanwhile wait
// seconds to be accepted.
// takeTurns queues the callers in arrival order, as PGlite does, but once the database has held the loop for
// `budgetMs` it lets one event-loop turn pass before the next caller runs.
import type { PgliteCalls } from "./pglite-calls.ts";

export const DEFAULT_TURN_BUDGET_MS = 5;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const ignore = () => {};

/** The entry points drizzle's PGlite driver uses (query, exec, transaction), taking turns. */
export function takeTurns(calls: PgliteCalls, budgetMs = DEFAULT_TURN_BUDGET_MS): PgliteCalls {
  let tail: Promise<void> = Promise.resolve();
  // The loop has turned once this flag's setImmediate ran; until then everything since `windowStart` ran in
  // one turn. (An empty queue proves nothing: a caller's next statement follows in the same microtask run.)
  let turnPending = false;
  let windowStart = 0;
  const watchTurn = () => {
    turnPending = true;
    windowStart = performance.now();
    setImmediate(() => {
      turnPending = false;
    });
  };

  const gated =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      const run = tail.then(async () => {
        if (turnPending && performance.now() - windowStart > budgetMs) await nextTurn();
        if (!turnPending) watchTurn();
        return call(...args);
      });
      tail = run.then(ignore, ignore);
      return run;
    };

  return {
    query: gated(calls.query.bind(calls)) as PgliteCalls["query"],
    exec: gated(calls.exec.bind(calls)),
    transaction: gated(calls.transaction.bind(calls)) as PgliteCalls["transaction"],
  };
}

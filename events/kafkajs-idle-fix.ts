// kafkajs 2.2.4 (the last release) spins on every broker connection while nothing is queued: its request
// queue re-arms a timer with a negative delay (1 ms) after each check, forever (tulios/kafkajs#1556, #1704,
// unfixed upstream). Measured here: 35-45 ms of CPU per second per idle process, on every subgraph and the
// gateway. Imported for its effect by events/kafka.ts: createKafka builds every kafkajs client the services run.
//
// The fix keeps kafkajs' behaviour where it matters: with requests pending, or while the broker throttles
// this client, the check is scheduled exactly as before. With nothing pending and no throttle there is
// nothing to check; `push()` schedules a check itself when it has to queue a request, and every response
// runs one (`fulfillRequest`).
import RequestQueue from "kafkajs/src/network/requestQueue/index.js";

const PATCHED = Symbol.for("tributary.kafkajs.idleFix");
const prototype = RequestQueue.prototype as RequestQueue & { [PATCHED]?: true };

if (!prototype[PATCHED]) {
  const schedule = prototype.scheduleCheckPendingRequests;
  prototype.scheduleCheckPendingRequests = function scheduleCheckPendingRequests(this: RequestQueue) {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    schedule.call(this);
  };
  prototype[PATCHED] = true;
}

/** The patched queue, for the test that counts its checks. */
export { RequestQueue };

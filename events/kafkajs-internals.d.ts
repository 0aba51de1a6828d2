// The one kafkajs internal we touch (events/kafkajs-idle-fix.ts): its per-connection request queue.
declare module "kafkajs/src/network/requestQueue/index.js" {
  export default class RequestQueue {
    pending: unknown[];
    throttledUntil: number;
    checkPendingRequests(): void;
    scheduleCheckPendingRequests(): void;
  }
}

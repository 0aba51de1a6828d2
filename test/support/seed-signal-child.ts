// A forked process holding a seed gate, answering "ask" with its state: what the gateway is under `npm start`.
import { seedSignal } from "../../gateway/seed-signal.ts";

const seeded = seedSignal();
process.on("message", (message) => {
  if (message === "ask") process.send?.({ seeded: seeded() });
});
process.send?.({ seeded: seeded() });
// The gate unrefs the IPC channel; this keeps the fixture alive until the test ends it.
setInterval(() => {}, 1_000);

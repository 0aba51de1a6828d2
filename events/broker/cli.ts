// `npm run broker -- --port 9092 --data-dir DIR`: runs the embedded broker as its own process.

import path from "node:path";
import { parseArgs } from "node:util";
import { startBroker } from "./index.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string" },
    "data-dir": { type: "string" },
    fsync: { type: "string" },
  },
});

const port = Number(values.port ?? process.env.BROKER_PORT ?? 9092);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`invalid --port ${values.port}`);
  process.exit(2);
}
const host = values.host ?? "127.0.0.1";
const dataDir =
  values["data-dir"] ?? (process.env.DATA_DIR ? path.join(process.env.DATA_DIR, "broker") : ".data/broker");

const fsyncArg = values.fsync ?? "always";
const fsync = fsyncArg === "always" || fsyncArg === "never" ? fsyncArg : Number(fsyncArg);
if (typeof fsync === "number" && !(fsync > 0)) {
  console.error(`invalid --fsync ${fsyncArg} (always, never or an interval in ms)`);
  process.exit(2);
}

const broker = await startBroker({ port, host, dataDir, fsync });
console.log(`broker listening on ${broker.host}:${broker.port} (data in ${path.resolve(dataDir)})`);

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  // A stuck close must not keep Ctrl-C from working.
  setTimeout(() => process.exit(1), 5000).unref();
  broker.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(`broker stop after ${signal} failed:`, err);
      process.exit(1);
    },
  );
};
process.on("SIGINT", () => shutdown("SIGINT"));
process.on("SIGTERM", () => shutdown("SIGTERM"));

// Runs the broker in its own process, as in production, so client-side encoding in the benchmark
// process never competes with the broker's event loop.

import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../events/broker/cli.ts");

export interface BrokerProcess {
  host: string;
  port: number;
  stop(): Promise<void>;
}

export async function spawnBroker(dataDir: string): Promise<BrokerProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      cli,
      "--port",
      "0",
      "--data-dir",
      dataDir,
      "--fsync",
      process.env.BENCH_FSYNC ?? "always",
    ],
    {
      stdio: ["ignore", "pipe", "ignore"],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      const m = /listening on [^:]+:(\d+)/.exec(d.toString());
      if (m) resolve(Number(m[1]));
    });
    child.once("exit", (code) => reject(new Error(`broker exited with ${code}`)));
  });
  return {
    host: "127.0.0.1",
    port,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

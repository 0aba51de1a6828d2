// kcat (librdkafka) throughput: produce 1 KiB lines from a file, then consume them to the end.

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import type { BrokerProcess } from "./broker-process.ts";

export const kcatInstalled = (): boolean => spawnSync("kcat", ["-V"]).status === 0;

function run(args: string[], stdinFile?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("kcat", args, { stdio: [stdinFile ? "pipe" : "ignore", "ignore", "ignore"] });
    if (stdinFile && child.stdin) fs.createReadStream(stdinFile).pipe(child.stdin);
    child.on("exit", (code) => {
      if (code === 0) resolve((performance.now() - started) / 1000);
      else reject(new Error(`kcat ${args.join(" ")} exited ${code}`));
    });
  });
}

export async function kcatProduce(
  broker: BrokerProcess,
  topic: string,
  file: string,
  total: number,
): Promise<number> {
  const seconds = await run(
    ["-b", `${broker.host}:${broker.port}`, "-P", "-t", topic, "-X", "linger.ms=5"],
    file,
  );
  return total / seconds;
}

export async function kcatConsume(broker: BrokerProcess, topic: string, total: number): Promise<number> {
  const seconds = await run([
    "-b",
    `${broker.host}:${broker.port}`,
    "-C",
    "-t",
    topic,
    "-o",
    "beginning",
    "-e",
    "-q",
  ]);
  return total / seconds;
}

export function writeLines(file: string, count: number): void {
  const line = Buffer.from(`${"y".repeat(1023)}\n`);
  const chunk = Buffer.concat(Array.from({ length: 1000 }, () => line));
  const fd = fs.openSync(file, "w");
  for (let i = 0; i < count; i += 1000) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
}

// `npm run bench:broker`: throughput and latency of the embedded broker with kafkajs and kcat,
// 1 KiB values, default durability (fsync "always" with group commit). Prints a table.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnBroker } from "./broker-process.ts";
import { kafkajsConsume, kafkajsProduce } from "./kafkajs.ts";
import { kcatConsume, kcatInstalled, kcatProduce, writeLines } from "./kcat.ts";
import { kcatLatency } from "./kcat-latency.ts";
import { measureLatency } from "./latency.ts";

const KAFKAJS_RECORDS = 100_000;
const KCAT_RECORDS = 300_000;
const LATENCY_SECONDS = 10;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "broker-bench-"));
const broker = await spawnBroker(path.join(dir, "broker"));
const rows: Array<[string, string, string]> = [];
const rate = (n: number) => `${Math.round(n).toLocaleString("en-US")} records/s`;
const ms = (n: number) => `${n.toFixed(2)} ms`;
const loadBefore = os.loadavg()[0]!;

try {
  rows.push([
    "kafkajs produce (batches of 1,000, acks=-1, 4 in flight)",
    rate(await kafkajsProduce(broker, "bench-kafkajs", KAFKAJS_RECORDS)),
    ">= 25,000",
  ]);
  rows.push([
    "kafkajs consume (consumer group)",
    rate(await kafkajsConsume(broker, "bench-kafkajs", KAFKAJS_RECORDS)),
    ">= 50,000",
  ]);
  if (kcatInstalled()) {
    const file = path.join(dir, "values.txt");
    writeLines(file, KCAT_RECORDS);
    rows.push([
      "kcat produce (acks=-1)",
      rate(await kcatProduce(broker, "bench-kcat", file, KCAT_RECORDS)),
      ">= 100,000",
    ]);
    rows.push(["kcat consume", rate(await kcatConsume(broker, "bench-kcat", KCAT_RECORDS)), ">= 100,000"]);
  } else {
    rows.push(["kcat produce / consume", "kcat not installed", ">= 100,000"]);
  }
  const latency = await measureLatency(broker, "bench-latency", LATENCY_SECONDS);
  rows.push(["kafkajs produce-to-consume p50 @ 1,000 records/s", ms(latency.p50), ""]);
  rows.push(["kafkajs produce-to-consume p99 @ 1,000 records/s", ms(latency.p99), "< 10 ms"]);
  if (kcatInstalled()) {
    const raw = await kcatLatency(broker, "bench-kcat-latency", LATENCY_SECONDS);
    rows.push(["kcat produce-to-consume p50 @ 1,000 records/s", ms(raw.p50), ""]);
    rows.push(["kcat produce-to-consume p99 @ 1,000 records/s", ms(raw.p99), "< 10 ms"]);
  }
} finally {
  await broker.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

const widths = [0, 1, 2].map((i) =>
  Math.max(...rows.map((r) => r[i]!.length), ["measurement", "result", "target"][i]!.length),
);
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
const fsync = process.env.BENCH_FSYNC ?? "always";
const load = `load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0]!.toFixed(1)} after`;
console.log(
  `Embedded broker, ${os.cpus().length} cores, Node ${process.version}, 1 KiB values, fsync "${fsync}", ${load}`,
);
console.log(line(["measurement", "result", "target"]));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const r of rows) console.log(line(r));

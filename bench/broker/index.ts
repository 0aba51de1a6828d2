// `npm run bench:broker [-- --latency-only] [-- --write-docs]`: throughput and latency of the embedded broker
// with kafkajs and kcat, 1 KiB values, default durability (fsync "always" with group commit; set
// BENCH_FSYNC=never or an interval in ms to compare). Prints a table; --write-docs also writes it into
// docs/benchmarks.md (section broker).
// The broker runs in its own process; its CPU per 1,000 records shows it is not the bottleneck.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { markdownTable, mermaidBars, writeDocSection } from "../doc-section.ts";
import { type BrokerProcess, spawnBroker } from "./broker-process.ts";
import { kafkajsConsume, kafkajsProduce } from "./kafkajs.ts";
import { kcatConsume, kcatInstalled, kcatProduce, writeLines } from "./kcat.ts";
import { KCAT_LATENCY_SETTINGS, kcatLatency } from "./kcat-latency.ts";
import { KAFKAJS_LATENCY_SETTINGS, type Latency, measureLatency } from "./latency.ts";
import { spawnTimerFloor } from "./loop-delay.ts";

const KAFKAJS_RECORDS = 100_000;
const KCAT_RECORDS = 300_000;
const LATENCY_SECONDS = 10;

type Row = [measurement: string, result: string, target: string, brokerCpu: string];
/** Throughput per measurement, for the chart. */
const bars: { label: string; value: number }[] = [];

const rate = (n: number) => `${Math.round(n).toLocaleString("en-US")} records/s`;
const ms = (n: number) => `${n.toFixed(2)} ms`;

/** Runs a throughput measurement and reports the broker's CPU time per 1,000 records alongside. */
async function throughput(
  broker: BrokerProcess,
  name: string,
  target: string,
  records: number,
  run: () => Promise<number>,
): Promise<Row> {
  const before = broker.cpuSeconds();
  const perSecond = await run();
  bars.push({ label: name.replace(/ \(.*\)$/, ""), value: perSecond });
  const cpuMs = (broker.cpuSeconds() - before) * 1000;
  return [name, rate(perSecond), target, `${(cpuMs / (records / 1000)).toFixed(1)} ms / 1k records`];
}

/**
 * Runs a latency measurement while recording the broker's event-loop delay and, in an idle process
 * next to it, the machine's timer lateness: a tail that all three share is the scheduler's.
 */
async function latency(broker: BrokerProcess, client: string, run: () => Promise<Latency>): Promise<Row[]> {
  const floor = await spawnTimerFloor();
  const before = broker.cpuSeconds();
  const started = performance.now();
  floor.start();
  broker.startLoopDelay();
  const result = await run();
  const brokerDelay = await broker.stopLoopDelay();
  const floorDelay = await floor.stop();
  const busy = ((broker.cpuSeconds() - before) * 1000) / (performance.now() - started);
  const cpu = `${(busy * 100).toFixed(0)}% of a core`;
  const lateness = (d: { p99: number; max: number }) => `p99 ${ms(d.p99)}, max ${ms(d.max)}`;
  return [
    [`${client} produce-to-consume p50 @ 1,000 records/s`, ms(result.p50), "", cpu],
    [`${client} produce-to-consume p99 @ 1,000 records/s`, ms(result.p99), "< 10 ms", cpu],
    [`  broker event-loop delay meanwhile`, lateness(brokerDelay), "", ""],
    [`  idle process timer lateness meanwhile (floor)`, lateness(floorDelay), "", ""],
  ];
}

const { values: args } = parseArgs({
  options: {
    "latency-only": { type: "boolean", default: false },
    "write-docs": { type: "boolean", default: false },
  },
});
const startedAt = new Date().toISOString();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "broker-bench-"));
const broker = await spawnBroker(path.join(dir, "broker"));
const loadBefore = os.loadavg()[0]!;
const rows: Row[] = [];
try {
  if (!args["latency-only"]) await throughputRows();
  rows.push(
    ...(await latency(broker, "kafkajs", () => measureLatency(broker, "bench-latency", LATENCY_SECONDS))),
  );
  if (kcatInstalled()) {
    rows.push(
      ...(await latency(broker, "kcat", () => kcatLatency(broker, "bench-kcat-latency", LATENCY_SECONDS))),
    );
  }
} finally {
  await broker.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

async function throughputRows(): Promise<void> {
  const kafkajsProducer = "kafkajs produce (batches of 1,000, acks=-1, 4 in flight)";
  rows.push(
    await throughput(broker, kafkajsProducer, ">= 25,000", KAFKAJS_RECORDS, () =>
      kafkajsProduce(broker, "bench-kafkajs", KAFKAJS_RECORDS),
    ),
  );
  rows.push(
    await throughput(broker, "kafkajs consume (consumer group)", ">= 50,000", KAFKAJS_RECORDS, () =>
      kafkajsConsume(broker, "bench-kafkajs", KAFKAJS_RECORDS),
    ),
  );
  if (kcatInstalled()) {
    const file = path.join(dir, "values.txt");
    writeLines(file, KCAT_RECORDS);
    rows.push(
      await throughput(broker, "kcat produce (acks=-1)", ">= 100,000", KCAT_RECORDS, () =>
        kcatProduce(broker, "bench-kcat", file, KCAT_RECORDS),
      ),
    );
    rows.push(
      await throughput(broker, "kcat consume", ">= 100,000", KCAT_RECORDS, () =>
        kcatConsume(broker, "bench-kcat", KCAT_RECORDS),
      ),
    );
  } else {
    rows.push(["kcat produce / consume", "kcat not installed", ">= 100,000", ""]);
  }
}

const header: Row = ["measurement", "result", "target", "broker CPU"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
const fsync = process.env.BENCH_FSYNC ?? "always";
const load = `load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0]!.toFixed(1)} after`;
const summary = `Embedded broker, ${os.cpus().length} cores, Node ${process.version}, 1 KiB values, fsync "${fsync}", ${load}`;
const clients = [
  `Latency clients: kafkajs ${KAFKAJS_LATENCY_SETTINGS}`,
  `                 kcat producer -X ${KCAT_LATENCY_SETTINGS.producer.join(" -X ")}, consumer -X ${KCAT_LATENCY_SETTINGS.consumer.join(" -X ")}`,
];
console.log(summary);
console.log(line(header));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const r of rows) console.log(line(r));
for (const c of clients) console.log(c);
if (args["write-docs"]) {
  const parts = [`Run of ${startedAt}${args["latency-only"] ? " (latency only)" : ""}. ${summary}.`];
  parts.push(markdownTable(header, rows), ["```text", ...clients, "```"].join("\n"));
  if (bars.length > 0) parts.push(mermaidBars("Embedded broker throughput", "records/s", bars));
  writeDocSection("broker", parts.join("\n\n"));
  console.log("wrote docs/benchmarks.md (section broker)");
}

// Where `npm start`'s memory and time go, printed as markdown tables for docs/benchmarks.md: a cold start on an
// empty DATA_DIR, then a warm restart on the same one, `--runs` times; medians per kind. Linux only (/proc).
//   npm run bench:start -- --runs 3              (add --write-docs: also into docs/benchmarks.md, section start)
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeDocSection } from "../doc-section.ts";
import { measureStart, type StartRun } from "./run.ts";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "1" },
    "write-docs": { type: "boolean", default: false },
    "gateway-port": { type: "string", default: process.env.GATEWAY_PORT ?? "4800" },
    "broker-port": { type: "string", default: process.env.BROKER_PORT ?? "19800" },
  },
});

const median = (xs: number[]) => {
  const sorted = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const mb = (kb: number) => Math.round(kb / 1024).toLocaleString("en-US");
const s = (x: number) => x.toFixed(1);

const runs: Record<"cold" | "warm", StartRun[]> = { cold: [], warm: [] };
for (let run = 1; run <= Number(values.runs); run++) {
  const dataDir = mkdtempSync(join(tmpdir(), "tributary-bench-start-"));
  const options = {
    dataDir,
    gatewayPort: Number(values["gateway-port"]),
    brokerPort: Number(values["broker-port"]),
  };
  try {
    for (const kind of ["cold", "warm"] as const) {
      const result = await measureStart(options);
      runs[kind].push(result);
      const total = result.memory.reduce((sum, m) => sum + m.pssKb, 0);
      console.error(
        `${kind} ${run}: banner ${s(result.banner)} s, /ready ${s(result.ready)} s, PSS ${mb(total)} MB, load ${result.load.toFixed(1)}`,
      );
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const runAt = new Date().toISOString();
const lines: string[] = [];
const out = (text: string) => void lines.push(text);

out("| start | banner s | /ready s | PSS total MB | load (1 min) |\n| --- | ---: | ---: | ---: | --- |");
for (const [kind, list] of Object.entries(runs)) {
  const totals = list.map((r) => r.memory.reduce((sum, m) => sum + m.pssKb, 0));
  out(
    `| ${kind} (median of ${list.length}) | ${s(median(list.map((r) => r.banner)))} | ` +
      `${s(median(list.map((r) => r.ready)))} | ${mb(median(totals))} | ${list.map((r) => r.load.toFixed(1)).join(", ")} |`,
  );
}

for (const [kind, list] of Object.entries(runs)) {
  out(`\n**${kind}**: steps, seconds from \`npm start\` (medians)\n`);
  out("| step | seconds |\n| --- | ---: |");
  for (const [label] of list[0]!.steps) {
    const at = list.map((r) => r.steps.find(([l]) => l === label)?.[1] ?? Number.NaN);
    out(`| ${label} | ${s(median(at))} |`);
  }
  const parts = Object.keys(list[0]!.partSteps).sort();
  const stepNames = [...new Set(parts.flatMap((p) => Object.keys(list[0]!.partSteps[p]!)))];
  out(`\n| part | ${stepNames.join(" ms | ")} ms |\n| --- |${" ---: |".repeat(stepNames.length)}`);
  for (const part of parts) {
    const cells = stepNames.map((step) => {
      const value = median(list.map((r) => r.partSteps[part]?.[step] ?? Number.NaN));
      return Number.isNaN(value) ? "" : Math.round(value).toLocaleString("en-US");
    });
    out(`| ${part} | ${cells.join(" | ")} |`);
  }
  out("\n| process | PSS MB | RSS MB |\n| --- | ---: | ---: |");
  for (const part of new Set(list[0]!.memory.map((m) => m.part))) {
    const of = (field: "pssKb" | "rssKb") =>
      median(list.map((r) => r.memory.filter((m) => m.part === part).reduce((sum, m) => sum + m[field], 0)));
    out(`| ${part} | ${mb(of("pssKb"))} | ${mb(of("rssKb"))} |`);
  }
  const total = median(list.map((r) => r.memory.reduce((sum, m) => sum + m.pssKb, 0)));
  out(`| **total** (${list[0]!.memory.length} processes) | **${mb(total)}** | |`);
}

const report = lines.join("\n");
console.log(report);
if (values["write-docs"])
  writeDocSection(
    "start",
    `Run of ${runAt}, \`--runs ${values.runs}\`: a cold start on an empty \`DATA_DIR\`, then a warm restart.\n\n${report}`,
  );

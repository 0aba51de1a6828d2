// Where `npm start`'s memory and time go: each process's PSS (from /proc/<pid>/smaps_rollup, so shared pages are
// split fairly instead of counted once per process as RSS does) and when each part became ready. Linux only.
//   npm run bench:start            (one fresh start on an empty DATA_DIR)
//   npm run bench:start -- --write-docs   (and its tables into docs/benchmarks.md, section start)
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { writeDocSection } from "../doc-section.ts";

interface Memory {
  pid: number;
  part: string;
  pssKb: number;
  rssKb: number;
}

function kb(text: string, field: string): number {
  return Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
}

/** Every process in the group led by `pgid`, named by the part it runs. */
function group(pgid: number): Memory[] {
  const found: Memory[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) !== pgid) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").filter(Boolean);
      const rollup = readFileSync(`/proc/${entry}/smaps_rollup`, "utf8");
      const script = args.find((a) => /\.(m?js|ts)$/.test(a)) ?? args[0] ?? "?";
      const part = /subgraph/.test(script)
        ? `subgraph ${args[args.length - 1]}`
        : /gateway/.test(script)
          ? "gateway"
          : /scripts\/start/.test(script)
            ? "start + embedded broker"
            : (args[0]?.split("/").pop() ?? "?");
      found.push({ pid: Number(entry), part, pssKb: kb(rollup, "Pss"), rssKb: kb(rollup, "Rss") });
    } catch {
      // Gone while we read it, or not ours to read.
    }
  }
  return found;
}

const runAt = new Date().toISOString();
const dataDir = mkdtempSync(join(tmpdir(), "tributary-bench-start-"));
const startedAt = performance.now();
const child = spawn("npm", ["start"], {
  detached: true,
  env: {
    ...process.env,
    LOG_FORMAT: "json",
    DATA_DIR: dataDir,
    GATEWAY_PORT: process.env.GATEWAY_PORT ?? "4800",
    BROKER_PORT: process.env.BROKER_PORT ?? "19800",
    BROKER_METRICS_PORT: "0",
  },
  stdio: ["ignore", "pipe", "ignore"],
});
const steps: [string, number][] = [];
await new Promise<void>((resolve, reject) => {
  child.once("exit", (code) => reject(new Error(`npm start exited (${code}) before it was running`)));
  createInterface({ input: child.stdout }).on("line", (line) => {
    let entry: { name?: string; msg?: string; part?: string };
    try {
      entry = JSON.parse(line);
    } catch {
      return;
    }
    if (entry.name !== "start") return;
    const at = (performance.now() - startedAt) / 1000;
    if (entry.msg === "part ready") steps.push([`${entry.part} ready`, at]);
    else if (entry.msg === "Tributary is running") {
      steps.push(["seeded, banner", at]);
      resolve();
    } else if (entry.msg) steps.push([entry.msg.slice(0, 60), at]);
  });
});
// Settled: a moment after the banner, as a developer would find it.
await new Promise((r) => setTimeout(r, 2_000));
const memory = group(child.pid!).sort((a, b) => b.pssKb - a.pssKb);
process.kill(-child.pid!, "SIGINT");
await new Promise((r) => child.once("exit", r));
rmSync(dataDir, { recursive: true, force: true });

const mb = (k: number) => (k / 1024).toFixed(0);
const total = memory.reduce((s, m) => ({ pss: s.pss + m.pssKb, rss: s.rss + m.rssKb }), { pss: 0, rss: 0 });
const report = [
  "| step | seconds from `npm start` |\n| --- | ---: |",
  ...steps.map(([step, at]) => `| ${step} | ${at.toFixed(1)} |`),
  "\n| process | PSS MB | RSS MB |\n| --- | ---: | ---: |",
  ...memory.map((m) => `| ${m.part} | ${mb(m.pssKb)} | ${mb(m.rssKb)} |`),
  `| **total** (${memory.length} processes) | **${mb(total.pss)}** | ${mb(total.rss)} |`,
].join("\n");
console.log(report);
if (process.argv.includes("--write-docs")) {
  writeDocSection("start", `Run of ${runAt}: one fresh start on an empty \`DATA_DIR\`.\n\n${report}`);
  console.log("wrote docs/benchmarks.md (section start)");
}

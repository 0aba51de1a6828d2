// Measures `npm start` the way docs/benchmarks.md reports it: wall time to the banner, CPU seconds and resident
// memory of the whole process tree at that moment, and how long Ctrl-C takes to end it. Linux only (/proc).
//   flock /tmp/tributary-bench.lock node --import tsx scripts/start/measure.ts --runs 3
// Each run starts from an empty DATA_DIR ("fresh") and then restarts on the same one ("warm").
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "3" },
    "gateway-port": { type: "string", default: "4600" },
    "broker-port": { type: "string", default: "19600" },
  },
});

const CLOCK_TICKS_PER_SECOND = 100;

/** Every process in the group led by `pgid`, with its CPU seconds and resident kilobytes. */
function processGroup(pgid: number): { cpuSeconds: number; rssKb: number }[] {
  const found: { cpuSeconds: number; rssKb: number }[] = [];
  for (const entry of readdirSafe("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name, which is in parentheses and may contain spaces.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      const ticks = Number(fields[11]) + Number(fields[12]);
      const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${entry}/status`, "utf8"))?.[1] ?? 0);
      found.push({ cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND, rssKb });
    } catch {
      // The process ended while we read it.
    }
  }
  return found;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

async function measure(dataDir: string, label: string): Promise<void> {
  const startedAt = performance.now();
  const child = spawn("npm", ["start"], {
    detached: true,
    env: {
      ...process.env,
      DATA_DIR: dataDir,
      GATEWAY_PORT: values["gateway-port"],
      BROKER_PORT: values["broker-port"],
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Tributary is running")) resolve();
    });
    child.stderr.resume();
    child.once("exit", (code) => reject(new Error(`npm start exited (${code}) before its banner`)));
  });
  const banner = (performance.now() - startedAt) / 1000;
  const group = processGroup(child.pid!);
  const cpu = group.reduce((sum, p) => sum + p.cpuSeconds, 0);
  const rssMb = group.reduce((sum, p) => sum + p.rssKb, 0) / 1024;
  const ready = /ready in ([\d.]+) s/.exec(output)?.[1];
  const stopAt = performance.now();
  process.kill(-child.pid!, "SIGINT");
  await exited;
  const exit = (performance.now() - stopAt) / 1000;
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
  console.log(
    `${label.padEnd(8)} banner ${banner.toFixed(1)} s  ready ${ready} s  cpu ${cpu.toFixed(1)} s  ` +
      `rss ${rssMb.toFixed(0)} MB  Ctrl-C ${exit.toFixed(1)} s  load ${load}`,
  );
}

for (let run = 1; run <= Number(values.runs); run++) {
  const dataDir = mkdtempSync(join(tmpdir(), "tributary-measure-"));
  try {
    await measure(dataDir, `fresh ${run}`);
    await measure(dataDir, `warm ${run}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

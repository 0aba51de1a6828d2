// `npm run deploy:check`: validates docker-compose.yml and deploy/ (Prometheus, rules, Grafana) offline.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { composeSchemaProblems } from "./compose-schema.ts";
import { commandOutput } from "./probes.ts";

const root = join(import.meta.dirname, "..", "..");
const problems: string[] = [];
const notes: string[] = [];
const read = (path: string) => readFileSync(join(root, path), "utf8");

// --- compose: our own checks, then the Compose Specification's schema --------------------------
const composeText = read("docker-compose.yml");
const compose = parse(composeText, { merge: true }) as {
  services: Record<string, { volumes?: string[]; depends_on?: Record<string, unknown>; build?: unknown }>;
};
for (const [name, service] of Object.entries(compose.services)) {
  for (const volume of service.volumes ?? []) {
    const source = volume.split(":")[0] ?? "";
    if (source.startsWith("./") && !existsSync(join(root, source)))
      problems.push(`compose: ${name} mounts ${source}, which does not exist`);
  }
  for (const dependency of Object.keys(service.depends_on ?? {}))
    if (!compose.services[dependency]) problems.push(`compose: ${name} depends on unknown ${dependency}`);
}
// The file as it is, never edited first: `name:` and every other key must be valid Compose (v2) as written.
const schemaProblems = composeSchemaProblems(composeText);
if (schemaProblems.length === 0)
  notes.push("docker-compose.yml: valid against the Compose Specification schema");
for (const problem of schemaProblems) problems.push(`compose schema: ${problem}`);

// --- Prometheus: promtool when available, else structure ------------------------------------------
const promConfig = "deploy/prometheus/prometheus.yml";
const rules = "deploy/prometheus/alerts.yml";
if (commandOutput("promtool", ["--version"]) !== null) {
  // promtool resolves rule_files as written (container paths), so rules are checked on their own.
  for (const args of [
    ["check", "config", "--syntax-only", join(root, promConfig)],
    ["check", "rules", join(root, rules)],
  ]) {
    const run = spawnSync("promtool", args, { encoding: "utf8" });
    if (run.status === 0) notes.push(`promtool ${args[1]}: valid`);
    else problems.push(`promtool ${args.slice(0, 2).join(" ")}: ${run.stdout}${run.stderr}`.trim());
  }
} else {
  const config = parse(read(promConfig)) as { scrape_configs?: unknown[] };
  if (!config.scrape_configs?.length) problems.push(`${promConfig}: no scrape_configs`);
  const groups = (parse(read(rules)) as { groups?: { rules?: { alert?: string; expr?: string }[] }[] })
    .groups;
  for (const rule of groups?.flatMap((g) => g.rules ?? []) ?? [])
    if (!rule.alert || !rule.expr) problems.push(`${rules}: a rule lacks alert or expr`);
  // CI installs promtool (.ci/run): there, its absence is a failure rather than a weaker check.
  if (process.env.CI === "true")
    problems.push("promtool is missing but CI=true (apt-get install prometheus)");
  else notes.push("promtool not installed: YAML structure checked only (apt-get install prometheus)");
}

// --- Grafana: provisioning YAML and dashboards parse; every panel has a query ---------------------
for (const path of [
  "deploy/grafana/provisioning/datasources/prometheus.yml",
  "deploy/grafana/provisioning/dashboards/tributary.yml",
])
  parse(read(path));
const dashboard = JSON.parse(read("deploy/grafana/dashboards/tributary.json")) as {
  panels: { title: string; targets?: { expr?: string }[] }[];
};
for (const panel of dashboard.panels)
  if (!panel.targets?.some((t) => t.expr)) problems.push(`dashboard: panel "${panel.title}" has no query`);
notes.push(`dashboard: ${dashboard.panels.length} panels`);

for (const note of notes) console.log(`ok    ${note}`);
for (const problem of problems) console.error(`FAIL  ${problem}`);
process.exitCode = problems.length === 0 ? 0 : 1;

// `npm run docs:config`: writes the README's configuration table from the zod schemas of every entry
// point; `--check` fails when the committed table is stale (CI runs it).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { nodeEnvSchema } from "../platform/config.ts";
import { DEFAULT_BROKER_PORT, DEFAULT_GATEWAY_PORT } from "../platform/topology.ts";
import { type Constants, meaningsFromEnvExample, settingsFromSource } from "./ops/config-sources.ts";

const root = join(import.meta.dirname, "..");
const START = "<!-- config:start -->";
const END = "<!-- config:end -->";

/** Which process reads each schema; a new config module is one more line here. */
const SOURCES: [reader: string, path: string][] = [
  ["gateway", "gateway/config.ts"],
  ["subgraphs", "subgraphs/kit/config.ts"],
  ["subgraphs", "platform/config.ts"],
  ["npm start", "scripts/start/config.ts"],
  ["ops scripts", "scripts/ops/config.ts"],
];

// Development secrets are named, never printed: the table is public.
const constants: Constants = {
  DEFAULT_GATEWAY_PORT: String(DEFAULT_GATEWAY_PORT),
  DEFAULT_BROKER_PORT: String(DEFAULT_BROKER_PORT),
  DEV_JWT_SECRET: "development secret",
  DEV_ADMIN_PASSWORD: "development password",
  nodeEnvSchema: String(nodeEnvSchema.parse(undefined)),
};

/** Variables read by pattern rather than by a fixed key, or by a library rather than our config schemas. */
const PATTERNS: [string, string, string, string][] = [
  ["`<NAME>_DATABASE_URL`", "unset", "subgraphs", "one subgraph's own database, overriding DATABASE_URL"],
  ["`<NAME>_PORT`", "gateway port + n", "subgraphs", "one subgraph's port"],
  ["`<NAME>_URL`", "unset", "gateway", "one subgraph's URL, overriding SUBGRAPH_URLS"],
  [
    "`APOLLO_TELEMETRY_DISABLED`",
    "unset (`true` under `npm start`)",
    "gateway (@apollo/gateway)",
    "`true` stops @apollo/gateway's anonymous usage metrics (uptime, CPU count and frequency, memory, OS; " +
      "hourly to usage-reporting.api.apollographql.com) and the cloud-metadata lookups it makes at start; " +
      "`npm start` sets it unless you do",
  ],
];

export function buildTable(): string {
  const meanings = meaningsFromEnvExample(readFileSync(join(root, ".env.example"), "utf8"));
  const rows = new Map<string, { defaults: Map<string, string[]>; readers: string[] }>();
  for (const [reader, path] of SOURCES) {
    for (const setting of settingsFromSource(readFileSync(join(root, path), "utf8"), constants)) {
      const row = rows.get(setting.name) ?? {
        defaults: new Map<string, string[]>(),
        readers: [] as string[],
      };
      row.readers.push(reader);
      row.defaults.set(setting.defaultValue, [...(row.defaults.get(setting.defaultValue) ?? []), reader]);
      rows.set(setting.name, row);
    }
  }
  const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const lines = ["| Variable | Default | Read by | Meaning |", "| --- | --- | --- | --- |"];
  for (const [name, row] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
    const defaults = [...row.defaults];
    const shown =
      defaults.length === 1
        ? (defaults[0]?.[0] ?? "")
        : defaults.map(([value, readers]) => `${readers.join(", ")}: ${value}`).join("; ");
    const readers = [...new Set(row.readers.flatMap((r) => r.split(", ")))].join(", ");
    lines.push(`| \`${name}\` | ${cell(shown)} | ${readers} | ${cell(meanings.get(name) ?? "")} |`);
  }
  for (const pattern of PATTERNS)
    lines.push(`| ${pattern.map((p, i) => (i === 0 ? p : cell(p))).join(" | ")} |`);
  return lines.join("\n");
}

const readmePath = join(root, "README.md");
const readme = readFileSync(readmePath, "utf8");
const start = readme.indexOf(START);
const end = readme.indexOf(END);
if (start < 0 || end < start) {
  console.error(`README.md needs ${START} and ${END} around the configuration table`);
  process.exit(1);
}
const next = `${readme.slice(0, start + START.length)}\n${buildTable()}\n${readme.slice(end)}`;
if (process.argv.includes("--check")) {
  if (next !== readme) {
    console.error("README.md's configuration table is stale: run `npm run docs:config` and commit it");
    process.exit(1);
  }
  console.log("README.md's configuration table is up to date");
} else {
  writeFileSync(readmePath, next);
  console.log("README.md: configuration table written");
}

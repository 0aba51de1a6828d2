// deploy/ speaks about metrics by name; these tests keep the dashboards, alerts and scrape targets true to the code.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseStartConfig } from "../../scripts/start/config.ts";
import { DEFAULT_GATEWAY_PORT, defaultSubgraphPort, SUBGRAPH_NAMES } from "../topology.ts";
import { BROKER_SERIES } from "./broker.ts";
// Through the kit's index, as every process loads it: that registers the scrape-time gauges too.
import { registry } from "./index.ts";

const deploy = (path: string) => fileURLToPath(new URL(`../../deploy/${path}`, import.meta.url));
const read = (path: string) => readFileSync(deploy(path), "utf8");

interface Dashboard {
  title: string;
  panels: { title: string; targets?: { expr?: string }[] }[];
}
const dashboards: Dashboard[] = readdirSync(deploy("grafana/dashboards"))
  .filter((file) => file.endsWith(".json"))
  .map((file) => JSON.parse(read(`grafana/dashboards/${file}`)));
const dashboardExprs = dashboards.flatMap((d) =>
  d.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? "")),
);
const alertExprs = (
  parse(read("prometheus/alerts.yml")) as { groups: { rules: { expr: string }[] }[] }
).groups
  .flatMap((g) => g.rules)
  .map((rule) => rule.expr);

/** Series names a PromQL expression reads: ours, Node's defaults, and Prometheus's own `up`. */
function seriesIn(expr: string): string[] {
  const names = expr.match(/\b(?:tributary|process|nodejs)_[a-z0-9_]+\b/g) ?? [];
  return /\bup\{/.test(expr) ? [...names, "up"] : names;
}

/** Every series this code exports: the process registry (histograms with their three suffixes) and the broker's. */
async function exportedSeries(): Promise<Set<string>> {
  const names = new Set(["up", ...BROKER_SERIES.map(([, name]) => name)]);
  for (const metric of await registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === "histogram")
      for (const suffix of ["_bucket", "_count", "_sum"]) names.add(`${metric.name}${suffix}`);
  }
  return names;
}

describe("deploy/ refers to metrics that exist", () => {
  it("queries only series the gateway, the subgraphs or the broker export, in dashboards and alerts", async () => {
    const exported = await exportedSeries();
    const unknown = [...dashboardExprs, ...alertExprs]
      .flatMap(seriesIn)
      .filter((name) => !exported.has(name));
    expect(unknown).toEqual([]);
    // The check sees something: an empty parse would pass the line above.
    expect(dashboardExprs.flatMap(seriesIn).length).toBeGreaterThan(20);
  });

  it("shows every tributary_ metric of the process registry on a dashboard", async () => {
    const shown = new Set(
      dashboardExprs.flatMap(seriesIn).map((name) => name.replace(/_(bucket|count|sum)$/, "")),
    );
    const ours = (await registry.getMetricsAsJSON())
      .map((m) => m.name)
      .filter((n) => n.startsWith("tributary_"));
    expect(ours.filter((name) => !shown.has(name))).toEqual([]);
  });

  it("scrapes npm start's default ports with the same jobs and service labels as the compose stack", () => {
    type Scrape = { job_name: string; static_configs: { targets: string[]; labels: { service: string } }[] };
    const jobs = (config: string) =>
      (parse(read(config)) as { scrape_configs: Scrape[] }).scrape_configs.flatMap((job) =>
        job.static_configs.flatMap((c) =>
          c.targets.map((target) => ({ job: job.job_name, target, ...c.labels })),
        ),
      );
    const local = jobs("prometheus/npm-start.yml");
    const expected = [
      { job: "gateway", target: `127.0.0.1:${DEFAULT_GATEWAY_PORT}`, service: "gateway" },
      ...SUBGRAPH_NAMES.map((name) => ({
        job: "subgraphs",
        target: `127.0.0.1:${defaultSubgraphPort(name)}`,
        service: name,
      })),
      { job: "broker", target: `127.0.0.1:${parseStartConfig({}).brokerMetricsPort}`, service: "broker" },
    ];
    expect(local).toEqual(expected);
    const compose = jobs("prometheus/prometheus.yml").filter((j) => j.job !== "prometheus");
    expect(compose.map(({ job, service }) => ({ job, service }))).toEqual(
      expected.filter((j) => j.job !== "broker").map(({ job, service }) => ({ job, service })),
    );
  });
});

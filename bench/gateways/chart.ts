// An SVG chart of one run: per shape, each gateway's req/s and p99 as ratios to bare @apollo/gateway.
import { REFERENCE, type Summary } from "./results.ts";
import { SHAPES } from "./shapes.ts";
import { TARGETS } from "./targets.ts";

const COLOURS: Record<string, string> = {
  tributary: "#0a7d5a",
  "tributary-unshared": "#5fb89a",
  "tributary-bundle": "#1f5f8b",
  "tributary-cache-off": "#9bd3bf",
  apollo: "#7a7a7a",
  hive: "#d9a400",
  "hive-router": "#c2410c",
};
const BAR = 14;
const GROUP_GAP = 18;
const PANEL_HEIGHT = 220;
const LEFT = 50;

const xmlText = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;");

function panel(summaries: Summary[], pick: (s: Summary) => number, title: string, top: number): string[] {
  const gateways = TARGETS.filter((t) => t.name !== "subgraph" && summaries.some((s) => s.target === t.name));
  const values = summaries
    .filter((s) => s.target !== "subgraph")
    .map(pick)
    .filter(Number.isFinite);
  const max = Math.max(1.5, ...values) * 1.1;
  const y = (v: number) => Math.round((top + PANEL_HEIGHT - (v / max) * PANEL_HEIGHT) * 10) / 10;
  const out = [
    `<text x="${LEFT}" y="${top - 10}" font-weight="bold">${xmlText(title)}</text>`,
    `<line x1="${LEFT}" x2="${LEFT + SHAPES.length * (gateways.length * BAR + GROUP_GAP)}" y1="${y(1)}" y2="${y(1)}" stroke="#333" stroke-dasharray="4 3"/>`,
    `<text x="${LEFT - 6}" y="${y(1) + 4}" text-anchor="end">1x</text>`,
  ];
  SHAPES.forEach((shape, i) => {
    const x0 = LEFT + GROUP_GAP / 2 + i * (gateways.length * BAR + GROUP_GAP);
    gateways.forEach((gateway, j) => {
      const s = summaries.find((x) => x.target === gateway.name && x.shape === shape.name);
      const value = s ? (gateway.name === REFERENCE ? 1 : pick(s)) : Number.NaN;
      if (!Number.isFinite(value)) return;
      const x = x0 + j * BAR;
      out.push(
        `<rect x="${x}" y="${y(value)}" width="${BAR - 2}" height="${top + PANEL_HEIGHT - y(value)}" fill="${COLOURS[gateway.name]}"><title>${xmlText(gateway.label)} ${xmlText(shape.name)}: ${value.toFixed(2)}x</title></rect>`,
        `<text x="${x + (BAR - 2) / 2}" y="${y(value) - 3}" font-size="8" text-anchor="middle">${value.toFixed(1)}</text>`,
      );
    });
    out.push(
      `<text x="${x0 + (gateways.length * BAR) / 2}" y="${top + PANEL_HEIGHT + 14}" text-anchor="middle">${shape.name}</text>`,
    );
  });
  return out;
}

export function renderChart(summaries: Summary[], caption: string): string {
  const gateways = TARGETS.filter((t) => t.name !== "subgraph" && summaries.some((s) => s.target === t.name));
  const width = LEFT + SHAPES.length * (gateways.length * BAR + GROUP_GAP) + 20;
  const legend = gateways.map(
    (g, i) =>
      `<rect x="${LEFT + i * 150}" y="${2 * PANEL_HEIGHT + 110}" width="10" height="10" fill="${COLOURS[g.name]}"/><text x="${LEFT + i * 150 + 14}" y="${2 * PANEL_HEIGHT + 119}">${xmlText(g.label)}</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.max(width, LEFT + gateways.length * 150)}" height="${2 * PANEL_HEIGHT + 150}" font-family="sans-serif" font-size="11">`,
    `<title>req/s and p99 per gateway and query shape, as ratios to bare @apollo/gateway</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...panel(summaries, (s) => s.rpsRatio, "req/s relative to bare @apollo/gateway (higher is better)", 30),
    ...panel(
      summaries,
      (s) => s.p99Ratio,
      "p99 latency relative to bare @apollo/gateway (lower is better)",
      PANEL_HEIGHT + 80,
    ),
    ...legend,
    `<text x="${LEFT}" y="${2 * PANEL_HEIGHT + 140}" font-size="9">${xmlText(caption)}</text>`,
    "</svg>",
    "",
  ].join("\n");
}

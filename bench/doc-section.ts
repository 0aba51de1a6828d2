// Every benchmark owns one section of docs/benchmarks.md, between `<!-- bench:<name>:begin -->` and
// `<!-- bench:<name>:end -->`; a run with --write-docs replaces what is between them and nothing else,
// so the hand-written method above a section and the other benches' sections stay as they are.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const BENCHMARKS_DOC = join(import.meta.dirname, "..", "docs", "benchmarks.md");

export const beginMarker = (name: string) => `<!-- bench:${name}:begin -->`;
export const endMarker = (name: string) => `<!-- bench:${name}:end -->`;

/** `doc` with the section `name` holding `body`; throws when its markers are missing, doubled or out of order. */
export function replaceSection(doc: string, name: string, body: string): string {
  if (!/^[a-z0-9-]+$/.test(name)) throw new Error(`section name "${name}" is not lower-case-with-dashes`);
  const begin = beginMarker(name);
  const end = endMarker(name);
  const start = doc.indexOf(begin);
  const stop = doc.indexOf(end);
  if (start < 0 || stop < 0) throw new Error(`no ${begin} ... ${end} section`);
  if (doc.indexOf(begin, start + 1) >= 0 || doc.indexOf(end, stop + 1) >= 0)
    throw new Error(`section ${name} is marked more than once`);
  if (stop < start) throw new Error(`${end} comes before ${begin}`);
  return `${doc.slice(0, start + begin.length)}\n\n${body.trim()}\n\n${doc.slice(stop)}`;
}

/** Writes `body` into section `name` of the benchmarks page (or of `docPath`). */
export function writeDocSection(name: string, body: string, docPath = BENCHMARKS_DOC): void {
  writeFileSync(docPath, replaceSection(readFileSync(docPath, "utf8"), name, body));
}

/** A Markdown table. */
export function markdownTable(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ].join("\n");
}

/**
 * A Mermaid bar chart (GitHub renders `xychart-beta` blocks): one bar per label. Labels are quoted, values
 * that are not finite numbers are drawn as 0 (the table beside the chart says "n/a").
 */
export function mermaidBars(title: string, yAxis: string, bars: { label: string; value: number }[]): string {
  const quote = (text: string) => `"${text.replaceAll('"', "'")}"`;
  const values = bars.map((b) => (Number.isFinite(b.value) ? Number(b.value.toPrecision(4)) : 0));
  return [
    "```mermaid",
    "xychart-beta",
    `  title ${quote(title)}`,
    `  x-axis [${bars.map((b) => quote(b.label)).join(", ")}]`,
    `  y-axis ${quote(yAxis)}`,
    `  bar [${values.join(", ")}]`,
    "```",
  ].join("\n");
}

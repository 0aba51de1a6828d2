import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  BENCHMARKS_DOC,
  beginMarker,
  endMarker,
  markdownTable,
  mermaidBars,
  replaceSection,
  writeDocSection,
} from "./doc-section.ts";

const page = [
  "# Benchmarks",
  "## Broker",
  "How it is measured.",
  beginMarker("broker"),
  "old broker table",
  endMarker("broker"),
  "## Soak",
  beginMarker("soak"),
  "old soak table",
  endMarker("soak"),
  "after",
].join("\n");

describe("a bench's section of the benchmarks page", () => {
  it("replaces only what is between its own markers", () => {
    const next = replaceSection(page, "broker", "| new | table |\n");
    expect(next).toContain(`${beginMarker("broker")}\n\n| new | table |\n\n${endMarker("broker")}`);
    expect(next).not.toContain("old broker table");
    expect(next).toContain("old soak table");
    expect(next.startsWith("# Benchmarks\n## Broker\nHow it is measured.\n")).toBe(true);
    expect(next.endsWith(`${endMarker("soak")}\nafter`)).toBe(true);
  });

  it("gives the same page when run twice with the same body", () => {
    const once = replaceSection(page, "soak", "rows");
    expect(replaceSection(once, "soak", "rows")).toBe(once);
  });

  it("refuses a page without the section, with it twice, or with its markers reversed", () => {
    expect(() => replaceSection(page, "start", "x")).toThrow(/no <!-- bench:start:begin -->/);
    expect(() => replaceSection(`${page}\n${beginMarker("soak")}`, "soak", "x")).toThrow(/more than once/);
    const reversed = `${endMarker("x")}\n${beginMarker("x")}`;
    expect(() => replaceSection(reversed, "x", "y")).toThrow(/comes before/);
    expect(() => replaceSection(page, "Soak!", "x")).toThrow(/lower-case/);
  });

  it("writes into a file on disk", () => {
    const path = join(mkdtempSync(join(tmpdir(), "doc-section-")), "benchmarks.md");
    writeFileSync(path, page);
    writeDocSection("soak", "fresh soak table", path);
    expect(readFileSync(path, "utf8")).toBe(replaceSection(page, "soak", "fresh soak table"));
  });

  it("finds every bench's section in the real page exactly once", () => {
    const doc = readFileSync(BENCHMARKS_DOC, "utf8");
    for (const name of [
      "gateways",
      "gateways-varied",
      "subgraphs",
      "broker",
      "subscriptions",
      "soak",
      "start",
    ])
      expect(() => replaceSection(doc, name, "x"), name).not.toThrow();
  });
});

describe("tables and charts", () => {
  it("renders a Markdown table", () => {
    expect(markdownTable(["a", "b"], [["1", "2"]])).toBe("| a | b |\n| --- | --- |\n| 1 | 2 |");
  });

  it("renders a Mermaid bar chart, with n/a drawn as 0", () => {
    const chart = mermaidBars('p99 "ms"', "ms", [
      { label: "1 x 5", value: 14.54321 },
      { label: "0 x 50", value: Number.NaN },
    ]);
    expect(chart).toBe(
      [
        "```mermaid",
        "xychart-beta",
        `  title "p99 'ms'"`,
        '  x-axis ["1 x 5", "0 x 50"]',
        '  y-axis "ms"',
        "  bar [14.54, 0]",
        "```",
      ].join("\n"),
    );
  });
});

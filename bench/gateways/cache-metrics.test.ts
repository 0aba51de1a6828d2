import { describe, expect, it } from "vitest";
import { cacheFigures, histogramQuantile, parseMetrics } from "./cache-metrics.ts";

const scrape = (hits: number, misses: number, lag: [string, number][]) =>
  [
    "# HELP tributary_entity_cache_requests_total Entity cache lookups.",
    "# TYPE tributary_entity_cache_requests_total counter",
    `tributary_entity_cache_requests_total{result="hit",type="Product"} ${hits}`,
    `tributary_entity_cache_requests_total{result="miss",type="Product"} ${misses}`,
    `tributary_entity_cache_requests_total{result="bypass",type="Order"} 7`,
    ...lag.map(([le, n]) => `tributary_entity_cache_invalidation_lag_seconds_bucket{le="${le}"} ${n}`),
    "tributary_http_requests_total 3",
  ].join("\n");

describe("the entity cache's figures from two /metrics scrapes", () => {
  it("parses samples with and without labels, skipping comments", () => {
    expect(parseMetrics('# HELP x y\na_total{k="v",le="+Inf"} 4\nb 2.5\n')).toEqual([
      { name: "a_total", labels: { k: "v", le: "+Inf" }, value: 4 },
      { name: "b", labels: {}, value: 2.5 },
    ]);
  });

  it("takes the hit ratio and the lag of what happened between the scrapes", () => {
    const before = scrape(10, 10, [
      ["0.001", 0],
      ["0.01", 0],
      ["+Inf", 0],
    ]);
    const after = scrape(100, 40, [
      ["0.001", 50],
      ["0.01", 100],
      ["+Inf", 100],
    ]);
    const figures = cacheFigures(before, after);
    expect(figures).toMatchObject({ present: true, hits: 90, misses: 30, bypasses: 0, invalidations: 100 });
    expect(figures.hitRatio).toBeCloseTo(0.75);
    expect(figures.lagP50Ms).toBeCloseTo(1);
    expect(figures.lagP99Ms).toBeCloseTo(9.82);
  });

  it("says n/a for every figure when the gateway has no entity cache metrics", () => {
    const figures = cacheFigures("tributary_http_requests_total 1", "tributary_http_requests_total 9");
    expect(figures.present).toBe(false);
    for (const value of [figures.hitRatio, figures.hits, figures.lagP50Ms, figures.lagP99Ms])
      expect(value).toBeNaN();
  });

  it("interpolates a quantile within its bucket, and stops at the last finite bound", () => {
    const histogram = new Map([
      [0.1, 10],
      [0.2, 20],
      [Number.POSITIVE_INFINITY, 30],
    ]);
    expect(histogramQuantile(histogram, 0.25)).toBeCloseTo(0.075);
    expect(histogramQuantile(histogram, 0.5)).toBeCloseTo(0.15);
    expect(histogramQuantile(histogram, 0.99)).toBe(0.2);
    expect(histogramQuantile(new Map([[0.1, 0]]), 0.5)).toBeNaN();
  });
});

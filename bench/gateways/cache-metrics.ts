// The entity cache's own account of a run, from two scrapes of the gateway's /metrics (before and after):
// hit ratio from tributary_entity_cache_requests_total{result}, invalidation lag percentiles from the
// tributary_entity_cache_invalidation_lag_seconds histogram. A gateway without the cache exposes neither,
// and every figure is NaN ("n/a" in the report).

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface CacheFigures {
  /** Whether the gateway exposes the cache's metrics at all. */
  present: boolean;
  hits: number;
  misses: number;
  bypasses: number;
  /** hits / (hits + misses): of the requests the cache could answer, how many it did. */
  hitRatio: number;
  invalidations: number;
  lagP50Ms: number;
  lagP99Ms: number;
}

const REQUESTS = "tributary_entity_cache_requests_total";
const LAG_BUCKET = "tributary_entity_cache_invalidation_lag_seconds_bucket";
const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** The samples of a Prometheus text exposition (comments and blank lines skipped). */
export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("#")) continue;
    const match = LINE.exec(line.trim());
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(LABEL)) labels[key!] = value!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

const sum = (samples: Sample[], name: string, where: (labels: Record<string, string>) => boolean) =>
  samples.filter((s) => s.name === name && where(s.labels)).reduce((total, s) => total + s.value, 0);

/** Cumulative counts per upper bound (every label set added up), ascending, +Inf last. */
function buckets(samples: Sample[]): Map<number, number> {
  const byBound = new Map<number, number>();
  for (const s of samples.filter((x) => x.name === LAG_BUCKET)) {
    const bound = s.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    byBound.set(bound, (byBound.get(bound) ?? 0) + s.value);
  }
  return new Map([...byBound].sort(([a], [b]) => a - b));
}

/**
 * The q-quantile of a cumulative histogram, interpolated within its bucket as Prometheus'
 * histogram_quantile does; in the +Inf bucket, the highest finite bound. NaN when it is empty.
 */
export function histogramQuantile(cumulative: Map<number, number>, q: number): number {
  const entries = [...cumulative];
  const total = entries.at(-1)?.[1] ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let previousBound = 0;
  let previousCount = 0;
  for (const [bound, count] of entries) {
    if (count >= rank) {
      if (!Number.isFinite(bound)) return previousBound;
      if (count === previousCount) return bound;
      return previousBound + ((bound - previousBound) * (rank - previousCount)) / (count - previousCount);
    }
    previousBound = bound;
    previousCount = count;
  }
  return previousBound;
}

/** What the cache did between two scrapes. */
export function cacheFigures(beforeText: string, afterText: string): CacheFigures {
  const before = parseMetrics(beforeText);
  const after = parseMetrics(afterText);
  const present = after.some((s) => s.name === REQUESTS || s.name === LAG_BUCKET);
  const delta = (result: string) =>
    sum(after, REQUESTS, (l) => l.result === result) - sum(before, REQUESTS, (l) => l.result === result);
  const hits = delta("hit");
  const misses = delta("miss");
  const lagBefore = buckets(before);
  const lag = new Map(
    [...buckets(after)].map(([bound, count]) => [bound, count - (lagBefore.get(bound) ?? 0)]),
  );
  const none = Number.NaN;
  return {
    present,
    hits: present ? hits : none,
    misses: present ? misses : none,
    bypasses: present ? delta("bypass") : none,
    hitRatio: present && hits + misses > 0 ? hits / (hits + misses) : none,
    invalidations: present ? ([...lag.values()].at(-1) ?? 0) : none,
    lagP50Ms: histogramQuantile(lag, 0.5) * 1000,
    lagP99Ms: histogramQuantile(lag, 0.99) * 1000,
  };
}

// Test helper: the distinct values of one label in a Prometheus text scrape, for one metric and service.
export function labelValues(scrape: string, metric: string, service: string, label: string): Set<string> {
  const values = new Set<string>();
  for (const line of scrape.split("\n")) {
    if (!line.startsWith(`${metric}{`) || !line.includes(`service="${service}"`)) continue;
    const value = new RegExp(`${label}="((?:[^"\\\\]|\\\\.)*)"`).exec(line)?.[1];
    if (value !== undefined) values.add(value);
  }
  return values;
}

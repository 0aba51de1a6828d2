// Latency arithmetic over what the subscribers recorded: percentiles, and per event the first delivery and
// how long the fan-out took to reach the last subscriber.

/**
 * Per event: how long after its mutation the first subscriber had it, and how much later the last one did,
 * both sorted ascending.
 */
export function perEventTiming(
  collected: { arrivals: number[][]; stocks: number[][] },
  sentAt: Map<number, number>,
): { firstDelivery: number[]; spread: number[] } {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  collected.stocks.forEach((stocks, s) => {
    stocks.forEach((stock, i) => {
      const at = collected.arrivals[s]![i]!;
      first.set(stock, Math.min(first.get(stock) ?? Number.POSITIVE_INFINITY, at));
      last.set(stock, Math.max(last.get(stock) ?? 0, at));
    });
  });
  const firstDelivery: number[] = [];
  const spread: number[] = [];
  for (const [stock, sent] of sentAt) {
    const earliest = first.get(stock);
    if (earliest === undefined) continue;
    firstDelivery.push(earliest - sent);
    spread.push(last.get(stock)! - earliest);
  }
  const ascending = (a: number, b: number) => a - b;
  return { firstDelivery: firstDelivery.sort(ascending), spread: spread.sort(ascending) };
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? Number.NaN;
}

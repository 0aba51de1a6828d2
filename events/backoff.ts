// Capped exponential backoff, shared by the outbox relay (Kafka outages) and the consumer kit (handler retries).

export interface BackoffOptions {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Growth per attempt; 2 doubles the delay. */
  factor?: number;
  /** Fraction of the delay taken away at random so many processes do not retry in lockstep; 0 disables. */
  jitter?: number;
}

/**
 * The delay before retry number `attempt` (1 = the first retry): initial * factor^(attempt-1),
 * capped at maxDelayMs, minus up to `jitter` of itself. `random` is injectable so specs are exact.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const { initialDelayMs, maxDelayMs, factor = 2, jitter = 0 } = options;
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  // Capping the exponent first keeps huge attempt counts from overflowing to Infinity * 0 = NaN.
  const raw = initialDelayMs * factor ** Math.min(exponent, 64);
  const capped = Math.min(maxDelayMs, Number.isFinite(raw) ? raw : maxDelayMs);
  return Math.max(0, Math.round(capped * (1 - jitter * random())));
}

/** Resolves after `ms`, or at once when `signal` aborts, so a backoff never delays shutdown. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

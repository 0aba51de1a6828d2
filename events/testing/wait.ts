// Polling until something a test started has happened: the two waits every suite's fixtures and tests use.
// waitFor fails at once when its check throws; eventually retries through errors (a service still starting)
// and hands back the value it was waiting for.
import { sleep } from "../backoff.ts";

/** Resolves once `check` holds; fails naming `what` after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Polls until `check` returns a value, or fails after `timeoutMs`. undefined, null and false are "not yet":
 * `(await graphql(...)).data` is null while the mutation still fails, and must be retried, not taken.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    await sleep(everyMs);
  }
  throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ""}`);
}

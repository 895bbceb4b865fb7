import type { Clock } from "./Clock.js";
import { classifyError, RateLimitedError } from "./errors.js";
import type { DataError } from "./errors.js";

export interface RetryOptions {
  /** Attempts in total, including the first (default 5). */
  readonly attempts?: number;
  /** Backoff base in ms (default 250): attempt n waits up to base·2^(n-1). */
  readonly baseMs?: number;
  /** Cap on one wait in ms (default 30 s). */
  readonly maxMs?: number;
  readonly clock: Clock;
  /** Uniform [0, 1) source; inject a seeded one (`Rng.next`) for reproducible waits. */
  readonly random: () => number;
  readonly source: string;
  /** Called before each wait; for logs and progress. */
  readonly onRetry?: (info: { attempt: number; waitMs: number; error: DataError }) => void;
}

/**
 * "Full jitter" backoff (AWS architecture blog): a uniform wait in [0, min(cap, base·2^(n-1))],
 * which spreads retrying clients apart instead of letting them stampede in lockstep.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/**
 * Runs `fn` until it succeeds, a fatal error occurs, or attempts run out. Only errors that
 * `classifyError` calls retryable are retried; a rate limit's Retry-After is a floor on the wait.
 * Throws the last error, classified.
 *
 * @example
 * const rows = await withRetry(() => fetchPage(), { clock, random: rng.next.bind(rng), source: "weex" });
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? 5;
  const baseMs = options.baseMs ?? 250;
  const maxMs = options.maxMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      const error = classifyError(e, options.source);
      if (!error.retryable || attempt >= attempts) throw error;
      let waitMs = backoffDelay(attempt, baseMs, maxMs, options.random);
      if (error instanceof RateLimitedError && error.retryAfterMs !== undefined) {
        waitMs = Math.max(waitMs, error.retryAfterMs);
      }
      options.onRetry?.({ attempt, waitMs, error });
      await options.clock.sleep(waitMs);
    }
  }
}

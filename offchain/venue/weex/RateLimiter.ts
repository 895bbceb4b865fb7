/** A budget of request weight per fixed window, e.g. 500 per 10 s. */
export interface WindowLimit {
  readonly weight: number;
  readonly windowMs: number;
}

export type RateDecision = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/**
 * Fixed-window weight limiter keyed by API key (private routes) or client address (public),
 * on an injected clock so a test decides when a window rolls over.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(
    private readonly limit: WindowLimit,
    private readonly clock: () => number,
  ) {}

  take(key: string, weight: number): RateDecision {
    const now = this.clock();
    const start = Math.floor(now / this.limit.windowMs) * this.limit.windowMs;
    let w = this.windows.get(key);
    if (!w || w.start !== start) {
      w = { start, used: 0 };
      this.windows.set(key, w);
    }
    if (w.used + weight > this.limit.weight) {
      return { ok: false, retryAfterMs: start + this.limit.windowMs - now };
    }
    w.used += weight;
    return { ok: true };
  }
}

/** Outcome of taking one token. */
export type TakeResult =
  | { readonly ok: true; readonly remaining: number }
  | { readonly ok: false; readonly retryAfterSeconds: number };

/**
 * Token bucket: holds up to `capacity` tokens, refilled continuously at `refillPerSecond`. A request
 * takes one token; an empty bucket says how long until the next token, for `Retry-After`.
 * Bursts up to `capacity` pass, the sustained rate is `refillPerSecond`. Time is injected.
 *
 * @example
 * const b = new TokenBucket(20, 10, Date.now);
 * const r = b.take(); if (!r.ok) res.set("Retry-After", String(r.retryAfterSeconds));
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    private readonly now: () => number,
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  take(): TakeResult {
    const t = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((t - this.last) / 1000) * this.refillPerSecond);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true, remaining: Math.floor(this.tokens) };
    }
    // Retry-After is whole seconds (RFC 9110); round up so a client that obeys it gets a token.
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / this.refillPerSecond)) };
  }
}

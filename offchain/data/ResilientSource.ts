import type { CandleSeries, OrderBookSnapshot, Ticker, Timeframe } from "../types/market.js";
import type { Clock } from "./Clock.js";
import { systemClock } from "./Clock.js";
import { RateLimitedError } from "./errors.js";
import type { DataError } from "./errors.js";
import type { MarketDataSource, WatchOptions } from "./MarketDataSource.js";
import { RateLimiter } from "./RateLimiter.js";
import { withRetry } from "./withRetry.js";
import { withTimeout } from "./withTimeout.js";

export interface ResilienceOptions {
  readonly clock?: Clock;
  /** Seeded uniform [0,1) for backoff jitter (e.g. `() => rng.next()`). */
  readonly random: () => number;
  /** Requests per second allowed to the source (default 5). */
  readonly requestsPerSecond?: number;
  /** Per-request deadline in ms (default 15 s). */
  readonly timeoutMs?: number;
  readonly attempts?: number;
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Serve the last good answer (flagged `stale`) when retries are exhausted (default true). */
  readonly serveStale?: boolean;
  readonly onRetry?: (info: { call: string; attempt: number; waitMs: number; error: DataError }) => void;
}

/**
 * Wraps any source with the same resilience: per-source rate limit, a deadline per request,
 * retries with full-jitter backoff for retryable errors only (Retry-After respected and shared
 * through the limiter), and a last-good cache served with a `stale` flag when the source keeps
 * failing. Fatal errors (bad symbol, schema drift) pass straight through.
 */
export class ResilientSource implements MarketDataSource {
  readonly id: string;
  readonly limiter: RateLimiter;
  private readonly clock: Clock;
  private readonly cache = new Map<string, { value: unknown; at: number }>();

  constructor(
    private readonly inner: MarketDataSource,
    private readonly options: ResilienceOptions,
  ) {
    this.id = inner.id;
    this.clock = options.clock ?? systemClock;
    this.limiter = new RateLimiter(this.clock, options.requestsPerSecond ?? 5);
  }

  fetchCandles(symbol: string, timeframe: Timeframe, since: number, until: number): Promise<CandleSeries> {
    return this.call(
      `candles ${symbol} ${timeframe} ${since}-${until}`,
      () => this.inner.fetchCandles(symbol, timeframe, since, until),
      (s, at, why) => ({
        ...s,
        flags: [
          ...s.flags,
          {
            kind: "stale",
            from: since,
            to: until,
            detail: `served from cache of ${new Date(at).toISOString()}: ${why}`,
          },
        ],
      }),
    );
  }

  fetchTicker(symbol: string): Promise<Ticker> {
    // a Ticker has no flag field: a stale ticker keeps its original timestamp, which says how old it is
    return this.call(
      `ticker ${symbol}`,
      () => this.inner.fetchTicker(symbol),
      (t) => t,
    );
  }

  fetchOrderBook(symbol: string, depth?: number): Promise<OrderBookSnapshot> {
    return this.call(
      `book ${symbol} ${depth ?? ""}`,
      () => this.inner.fetchOrderBook(symbol, depth),
      (b) => b,
    );
  }

  watchCandles(symbol: string, timeframe: Timeframe, options?: WatchOptions): AsyncIterable<CandleSeries> {
    if (!this.inner.watchCandles) throw new Error(`${this.id} has no live candles`);
    return this.inner.watchCandles(symbol, timeframe, options);
  }

  watchTicker(symbol: string, options?: WatchOptions): AsyncIterable<Ticker> {
    if (!this.inner.watchTicker) throw new Error(`${this.id} has no live tickers`);
    return this.inner.watchTicker(symbol, options);
  }

  async close(): Promise<void> {
    await this.inner.close?.();
  }

  private async call<T>(
    key: string,
    fn: () => Promise<T>,
    staleOf: (cached: T, at: number, why: string) => T,
  ): Promise<T> {
    try {
      const value = await withRetry(
        async () => {
          await this.limiter.acquire();
          try {
            return await withTimeout(fn(), this.options.timeoutMs ?? 15_000, this.id, key);
          } catch (e) {
            if (e instanceof RateLimitedError && e.retryAfterMs !== undefined) {
              this.limiter.pauseUntil(this.clock.now() + e.retryAfterMs);
            }
            throw e;
          }
        },
        {
          clock: this.clock,
          random: this.options.random,
          source: this.id,
          ...(this.options.attempts === undefined ? {} : { attempts: this.options.attempts }),
          ...(this.options.baseBackoffMs === undefined ? {} : { baseMs: this.options.baseBackoffMs }),
          ...(this.options.maxBackoffMs === undefined ? {} : { maxMs: this.options.maxBackoffMs }),
          onRetry: (info) => this.options.onRetry?.({ call: key, ...info }),
        },
      );
      this.cache.set(key, { value, at: this.clock.now() });
      return value;
    } catch (e) {
      const hit = this.cache.get(key);
      const error = e as DataError;
      if (hit && error.retryable && this.options.serveStale !== false) {
        return staleOf(hit.value as T, hit.at, error.message);
      }
      throw e;
    }
  }
}

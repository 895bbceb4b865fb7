import type { MarketHistory, ScoreProvider } from "../strategy/ScoreProvider.js";
import { TIMEFRAME_MS } from "../types/market.js";
import type { Candle, CandleSeries } from "../types/market.js";

export interface RecursiveMismatch {
  readonly time: number;
  readonly symbol: string;
  readonly short: number | null;
  readonly long: number | null;
}

export interface RecursiveReport {
  readonly ok: boolean;
  readonly checked: number;
  readonly maxDifference: number;
  readonly mismatches: readonly RecursiveMismatch[];
}

/**
 * Recursive-indicator check (Freqtrade's recursive-analysis): score at each time t once with only
 * the provider's declared `lookback` bars and once with the whole history up to t. Indicators that
 * depend on how much history they were given (EMAs seeded at the first bar, cumulative sums) make
 * backtests disagree with live runs that start from a short window; this finds them.
 *
 * @example
 * (await checkRecursive(movingAverageMomentum(), series, times)).ok; // true: SMAs use exact windows
 */
export async function checkRecursive(
  provider: ScoreProvider,
  series: readonly CandleSeries[],
  times: readonly number[],
  tolerance = 1e-9,
): Promise<RecursiveReport> {
  const barMs = TIMEFRAME_MS[series[0]!.timeframe];
  const mismatches: RecursiveMismatch[] = [];
  let checked = 0;
  let maxDifference = 0;
  for (const t of times) {
    const longC: Record<string, readonly Candle[]> = {};
    const shortC: Record<string, readonly Candle[]> = {};
    const symbols: string[] = [];
    for (const s of series) {
      const upTo = s.candles.filter((c) => c.timestamp + barMs <= t);
      if (upTo.length < provider.lookback || upTo.at(-1)!.timestamp + barMs !== t) continue;
      longC[s.symbol] = upTo;
      shortC[s.symbol] = upTo.slice(-provider.lookback);
      symbols.push(s.symbol);
    }
    symbols.sort();
    const mk = (candles: Record<string, readonly Candle[]>): MarketHistory => ({
      time: t,
      timeframe: series[0]!.timeframe,
      symbols,
      candles,
    });
    const a = new Map((await provider.score(mk(shortC))).map((s) => [s.symbol, s.score]));
    const b = new Map((await provider.score(mk(longC))).map((s) => [s.symbol, s.score]));
    for (const symbol of symbols) {
      checked++;
      const x = a.get(symbol) ?? null;
      const y = b.get(symbol) ?? null;
      const diff =
        x === null || y === null ? (x === y ? 0 : Infinity) : Math.abs(x - y) / Math.max(1e-12, Math.abs(y));
      maxDifference = Math.max(maxDifference, diff);
      if (diff > tolerance) mismatches.push({ time: t, symbol, short: x, long: y });
    }
  }
  return {
    ok: mismatches.length === 0,
    checked,
    maxDifference: Number.isFinite(maxDifference) ? maxDifference : 1,
    mismatches,
  };
}

import type { AssetScore, ModelVersion } from "../types/decision.js";
import type { Candle, Timeframe } from "../types/market.js";

/**
 * What a score provider may see at decision time `time`: per symbol, the candles whose period has
 * closed by `time` (close time = open + timeframe ≤ time), oldest first, at most `lookback` of them.
 * Nothing after `time` is reachable from here; the lookahead checker tests providers that cheat
 * through other channels (closures over full data sets).
 */
export interface MarketHistory {
  /** Decision time: the close of the last candle of every window, ms. */
  readonly time: number;
  readonly timeframe: Timeframe;
  /** Symbols with fresh data at `time`, sorted. */
  readonly symbols: readonly string[];
  readonly candles: Readonly<Record<string, readonly Candle[]>>;
}

/**
 * The strategy's one required method (Freqtrade-style): market history in, per-asset scores out.
 * Positive = long, negative = short/avoid. Pure with respect to its input: the same history must
 * give the same scores (the lookahead and recursive checks rely on it).
 *
 * @example
 * const scores = provider.score({ time, timeframe: "1d", symbols: ["BTC/USDT"], candles });
 */
export interface ScoreProvider {
  readonly model: ModelVersion;
  /** Version of the features the scores are computed from (goes into every decision). */
  readonly featuresVersion: string;
  /** Bars of history needed per symbol; symbols with fewer bars are not scored. */
  readonly lookback: number;
  /** May be async (a TensorFlow model predicts asynchronously); callers always await it. */
  score(history: MarketHistory): AssetScore[] | Promise<AssetScore[]>;
}

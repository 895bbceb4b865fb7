import type { Candle, CandleSeries } from "../types/market.js";
import { TIMEFRAME_MS } from "../types/market.js";
import { bollinger } from "./bollinger.js";
import { ema } from "./ema.js";
import { FeatureInputError } from "./errors.js";
import type { FeatureColumn } from "./FeatureFrame.js";
import { FeatureFrame } from "./FeatureFrame.js";
import { FEATURE_SET } from "./featureSet.js";
import { FEATURES_VERSION } from "./featuresVersion.js";
import type { Indicator } from "./Indicator.js";
import { logReturns } from "./logReturns.js";
import { macd } from "./macd.js";
import { momentum } from "./momentum.js";
import { rollingVolatility } from "./rollingVolatility.js";
import { rsi } from "./rsi.js";
import { sma } from "./sma.js";

/**
 * The standard feature set (`FEATURE_SET`) of one candle series. Every column is causal: the value
 * at index t reads only candles 0..t, so a decision at the close of candle t never sees the future.
 * Price-level indicators are divided by the close so assets at any price share one scale.
 *
 * @example
 * const frame = buildFeatureFrame(series); frame.featuresVersion === FEATURES_VERSION
 */
export function buildFeatureFrame(series: CandleSeries): FeatureFrame {
  const c = series.candles;
  checkCandles(series.symbol, c);
  const n = c.length;
  const close = new Float64Array(n);
  const ts = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    close[i] = c[i]!.close;
    ts[i] = c[i]!.timestamp;
  }
  const periodsPerYear = (365 * 86_400_000) / TIMEFRAME_MS[series.timeframe];
  const sma20 = sma(close, 20);
  const sma10 = sma(close, 10);
  const sma50 = sma(close, 50);
  const ema12 = ema(close, 12);
  const m = macd(close, 12, 26, 9);
  const bb = bollinger(close, 20, 2);
  const r = rsi(close, 14);
  const map = (from: number, f: (i: number) => number): Indicator => {
    const values = new Float64Array(n).fill(NaN);
    for (let i = from; i < n; i++) values[i] = f(i);
    return { values, validFrom: Math.min(from, n) };
  };
  const byName: Record<string, Indicator> = {
    logRet1: logReturns(close),
    mom5: momentum(close, 5),
    mom20: momentum(close, 20),
    smaRatio20: map(sma20.validFrom, (i) => close[i]! / sma20.values[i]! - 1),
    maCross10_50: map(sma50.validFrom, (i) => sma10.values[i]! / sma50.values[i]! - 1),
    emaRatio12: map(ema12.validFrom, (i) => close[i]! / ema12.values[i]! - 1),
    vol20: rollingVolatility(close, 20, { periodsPerYear }),
    rsi14: map(r.validFrom, (i) => (r.values[i]! - 50) / 50),
    macdNorm: map(m.macd.validFrom, (i) => m.macd.values[i]! / close[i]!),
    macdSignalNorm: map(m.signal.validFrom, (i) => m.signal.values[i]! / close[i]!),
    macdHistNorm: map(m.histogram.validFrom, (i) => m.histogram.values[i]! / close[i]!),
    bbPercentB: bb.percentB,
    bbWidth: bb.bandwidth,
  };
  const columns: FeatureColumn[] = FEATURE_SET.columns.map(({ name }) => {
    const ind = byName[name];
    if (!ind)
      throw new FeatureInputError(`buildFeatureFrame: FEATURE_SET column "${name}" has no implementation`);
    return { name, values: ind.values, validFrom: ind.validFrom };
  });
  return new FeatureFrame(series.symbol, ts, columns, FEATURES_VERSION);
}

function checkCandles(symbol: string, c: readonly Candle[]): void {
  for (let i = 0; i < c.length; i++) {
    const k = c[i]!;
    if (!(Number.isFinite(k.close) && k.close > 0))
      throw new FeatureInputError(
        `buildFeatureFrame ${symbol}: close ${k.close} at index ${i} is not a positive price`,
      );
    if (i > 0 && !(k.timestamp > c[i - 1]!.timestamp))
      throw new FeatureInputError(
        `buildFeatureFrame ${symbol}: timestamps not strictly increasing at index ${i}; sort and de-duplicate first`,
      );
  }
}

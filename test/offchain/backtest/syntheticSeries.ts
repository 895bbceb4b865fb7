import { Rng } from "../../../offchain/optimizer/rng.js";
import type { Candle, CandleSeries, Timeframe } from "../../../offchain/types/market.js";
import { TIMEFRAME_MS } from "../../../offchain/types/market.js";

/** Seeded geometric random walk candles, for tests that need control over the path. */
export function syntheticSeries(
  symbol: string,
  bars: number,
  seed: number,
  o: {
    drift?: number;
    vol?: number;
    start?: number;
    timeframe?: Timeframe;
    path?: (i: number, p: number) => number;
  } = {},
): CandleSeries {
  const rng = new Rng(seed);
  const tf = o.timeframe ?? "1d";
  const step = TIMEFRAME_MS[tf];
  const start = o.start ?? Date.UTC(2021, 0, 1);
  const candles: Candle[] = [];
  let p = 100;
  for (let i = 0; i < bars; i++) {
    const open = p;
    const z = (rng.next() + rng.next() + rng.next() - 1.5) * 2;
    p = o.path ? o.path(i, p) : p * Math.exp((o.drift ?? 0) + (o.vol ?? 0.03) * z);
    const close = p;
    const high = Math.max(open, close) * (1 + 0.01 * rng.next());
    const low = Math.min(open, close) * (1 - 0.01 * rng.next());
    candles.push({ timestamp: start + i * step, open, high, low, close, volume: 1000 + 1000 * rng.next() });
  }
  return { symbol, timeframe: tf, source: "synthetic", schemaVersion: "ohlcv/1", candles, flags: [] };
}

/**
 * Market data as every part of the engine sees it, whatever the source (exchange, CoinGecko, CSV,
 * WebSocket). Floats are fine here: prices become fixed-point only at the chain edge
 * (`offchain/protocol/units.ts`). Timestamps are milliseconds, UTC.
 */

import type { AssetDataQuality } from "../data/quality/DataQualityReport.js";

export type Timeframe = "1m" | "5m" | "15m" | "1h" | "4h" | "1d";

/** Length of each timeframe in milliseconds. */
export const TIMEFRAME_MS: Readonly<Record<Timeframe, number>> = {
  "1m": 60_000,
  "5m": 300_000,
  "15m": 900_000,
  "1h": 3_600_000,
  "4h": 14_400_000,
  "1d": 86_400_000,
};

/** One OHLCV candle; `timestamp` is the candle's open time in ms. Volume is in the base asset. */
export interface Candle {
  readonly timestamp: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

/** Why a stretch of data is not as clean as it looks: flagged, never silently repaired. */
export type DataFlagKind =
  | "gap" // candles missing between `from` and `to`
  | "partial" // the last candle is still open (its period has not ended)
  | "stale" // served from the last-good cache after a source failure
  | "schema-drift" // the source changed shape; the record was rejected
  | "duplicate" // the source repeated a timestamp; the first was kept
  | "outlier"; // a value failed a sanity check (e.g. high < low) and the record was rejected

export interface DataFlag {
  readonly kind: DataFlagKind;
  /** First affected timestamp, ms. */
  readonly from: number;
  /** Last affected timestamp, ms (inclusive), when it is a range. */
  readonly to?: number;
  readonly detail: string;
}

/** A validated, time-ordered candle series for one market and timeframe. */
export interface CandleSeries {
  /** Unified symbol, e.g. "BTC/USDT". */
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Where it came from, e.g. "weex", "binance", "coingecko", "csv:../shared/data/ohlcv/1d". */
  readonly source: string;
  /** Version of the schema the records were validated against, e.g. "ohlcv/1". */
  readonly schemaVersion: string;
  readonly candles: readonly Candle[];
  readonly flags: readonly DataFlag[];
  /** What the data-quality checker found and did while loading (absent: the loader ran none). */
  readonly quality?: AssetDataQuality;
}

export interface Ticker {
  readonly symbol: string;
  readonly timestamp: number;
  readonly bid: number;
  readonly ask: number;
  readonly last: number;
}

/** Price levels as [price, size], bids descending, asks ascending. */
export interface OrderBookSnapshot {
  readonly symbol: string;
  readonly timestamp: number;
  readonly bids: ReadonlyArray<readonly [number, number]>;
  readonly asks: ReadonlyArray<readonly [number, number]>;
}

/** "BTC/USDT" → "BTC". */
export function baseOf(symbol: string): string {
  const base = symbol.split("/")[0];
  if (!base) throw new Error(`not a unified symbol: "${symbol}" (expected BASE/QUOTE)`);
  return base;
}

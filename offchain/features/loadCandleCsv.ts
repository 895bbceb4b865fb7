import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Candle, CandleSeries, Timeframe } from "../types/market.js";
import { dataDir } from "../data/dataDir.js";
import { FeatureInputError } from "./errors.js";

/**
 * Minimal reader for the shared OHLCV CSVs (`ohlcv/<tf>/<BASE>-USDT.csv`), for feature and model
 * tests and benchmarks until the data layer (`offchain/data/`) lands. Gaps stay gaps; a malformed row
 * is an error, never skipped.
 *
 * @example
 * const btc = loadCandleCsv("BTC", "1d"); btc.symbol === "BTC/USDT"
 */
export function loadCandleCsv(base: string, timeframe: Timeframe = "1d", dir = dataDir()): CandleSeries {
  const file = join(dir, "ohlcv", timeframe, `${base}-USDT.csv`);
  const lines = readFileSync(file, "utf8").trim().split("\n");
  if (lines[0]?.trim() !== "timestamp,open,high,low,close,volume")
    throw new FeatureInputError(`${file}: unexpected header "${lines[0]}"`);
  const candles: Candle[] = [];
  for (let i = 1; i < lines.length; i++) {
    const f = lines[i]!.split(",").map(Number);
    if (f.length !== 6 || f.some((v) => !Number.isFinite(v)))
      throw new FeatureInputError(`${file}:${i + 1}: malformed row "${lines[i]}"`);
    candles.push({ timestamp: f[0]!, open: f[1]!, high: f[2]!, low: f[3]!, close: f[4]!, volume: f[5]! });
  }
  return {
    symbol: `${base}/USDT`,
    timeframe,
    source: `csv:${join(dir, "ohlcv", timeframe)}`,
    schemaVersion: "ohlcv/1",
    candles,
    flags: [],
  };
}

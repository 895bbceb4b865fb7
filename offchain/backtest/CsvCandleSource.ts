import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CsvSource } from "../data/CsvSource.js";
import { dataDir } from "../data/dataDir.js";
import { DataError as DataLayerError } from "../data/errors.js";
import type { CandleHistorySource } from "../engine/CandleHistorySource.js";
import { MarketDataError } from "../engine/errors.js";
import type { CandleSeries, Timeframe } from "../types/market.js";

/**
 * Offline candles from `<dataDir>/ohlcv/<timeframe>/<BASE>-USDT.csv` (the shared data layout), read
 * and validated by the data layer's `CsvSource` (schema registry: exact header, plain decimals, OHLC
 * consistency, time order; gaps flagged, never filled). Data-layer errors become engine
 * `MarketDataError`s with a hint, so the CLI prints them as user errors.
 *
 * @example
 * const series = await new CsvCandleSource().load("1d", ["BTC/USDT", "ETH/USDT"]);
 */
export class CsvCandleSource implements CandleHistorySource {
  readonly kind = "offline" as const;
  readonly name: string;
  private readonly csv: CsvSource;

  constructor(private readonly dir: string = dataDir()) {
    this.name = `csv:${dir}`;
    this.csv = new CsvSource({ dir });
  }

  /** Unified symbols available for a timeframe, sorted. */
  symbols(timeframe: Timeframe): string[] {
    const folder = join(this.dir, "ohlcv", timeframe);
    if (!existsSync(folder))
      throw new MarketDataError(`no data folder ${folder}`, {
        hint: "set SIGIL_DATA_DIR to the folder that holds ohlcv/1d and ohlcv/1h",
      });
    return readdirSync(folder)
      .filter((f) => /^[A-Z0-9]+-[A-Z0-9]+\.csv$/.test(f))
      .map((f) => f.replace(/\.csv$/, "").replace("-", "/"))
      .sort();
  }

  async load(timeframe: Timeframe, symbols?: readonly string[]): Promise<CandleSeries[]> {
    const wanted = [...(symbols ?? this.symbols(timeframe))].sort();
    const out: CandleSeries[] = [];
    for (const symbol of wanted) {
      if (!existsSync(this.csv.pathOf(symbol, timeframe)))
        throw new MarketDataError(
          `no ${timeframe} data for ${symbol} (${this.csv.pathOf(symbol, timeframe)} not found)`,
          {
            hint: `available: ${this.symbols(timeframe).join(", ")}`,
          },
        );
      let series: CandleSeries;
      try {
        series = await this.csv.fetchCandles(symbol, timeframe, 0, Number.MAX_SAFE_INTEGER);
      } catch (e) {
        if (e instanceof DataLayerError)
          throw new MarketDataError(`${symbol} ${timeframe}: ${e.message}`, {
            hint: "fix or replace the CSV file",
          });
        throw e;
      }
      if (series.candles.length === 0)
        throw new MarketDataError(`${this.csv.pathOf(symbol, timeframe)} has no candles`);
      out.push({ ...series, source: this.name });
    }
    return out;
  }
}

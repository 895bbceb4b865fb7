import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CsvSource } from "../data/CsvSource.js";
import { dataDir } from "../data/dataDir.js";
import { DataError as DataLayerError } from "../data/errors.js";
import { checkCandleQuality } from "../data/quality/checkCandleQuality.js";
import type { SourcedCandle } from "../data/quality/checkCandleQuality.js";
import { parseDataQualityConfig } from "../data/quality/DataQualityConfig.js";
import type { DataQualityConfig } from "../data/quality/DataQualityConfig.js";
import { candleOf, defaultSchemaRegistry } from "../data/schemaRegistry.js";
import type { CandleHistorySource } from "../engine/CandleHistorySource.js";
import { enforceDataQuality } from "../engine/enforceDataQuality.js";
import { MarketDataError } from "../engine/errors.js";
import type { CandleSeries, Timeframe } from "../types/market.js";
import { TIMEFRAME_MS } from "../types/market.js";

/**
 * Offline candles from `<dataDir>/ohlcv/<timeframe>/<BASE>-USDT.csv` (the shared data layout). The
 * data layer's `CsvSource` parses the file and its schema registry checks the shape (exact header,
 * plain decimals: drift is an error); the data-quality checker then sorts, drops or flags every
 * suspicious row (counted with its file line in `series.quality`), and `quality.strict` turns any
 * of them into a `DataQualityError`. Data-layer errors become engine `MarketDataError`s with a hint, so
 * the CLI prints them as user errors.
 *
 * @example
 * const series = await new CsvCandleSource().load("1d", ["BTC/USDT", "ETH/USDT"]);
 */
export class CsvCandleSource implements CandleHistorySource {
  readonly kind = "offline" as const;
  readonly name: string;
  private readonly csv: CsvSource;

  constructor(
    private readonly dir: string = dataDir(),
    private readonly quality: DataQualityConfig = parseDataQualityConfig(),
  ) {
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
    const schema = defaultSchemaRegistry.schemaFor("crypto-spot", timeframe).id;
    for (const symbol of wanted) {
      const path = this.csv.pathOf(symbol, timeframe);
      if (!existsSync(path))
        throw new MarketDataError(`no ${timeframe} data for ${symbol} (${path} not found)`, {
          hint: `available: ${this.symbols(timeframe).join(", ")}`,
        });
      let rows: SourcedCandle[];
      try {
        rows = (await this.csv.rawRows(symbol, timeframe)).map((raw, i) => {
          const at = `${path}:${i + 2}`;
          const r = defaultSchemaRegistry.checkRecord(schema, raw, at, false);
          return { row: at, candle: candleOf(r) };
        });
      } catch (e) {
        if (e instanceof DataLayerError)
          throw new MarketDataError(`${symbol} ${timeframe}: ${e.message}`, {
            hint: "fix or replace the CSV file",
          });
        throw e;
      }
      const { candles, quality } = checkCandleQuality(
        symbol,
        path,
        rows,
        TIMEFRAME_MS[timeframe],
        this.quality,
      );
      if (candles.length === 0)
        throw new MarketDataError(
          `${path} has no usable candles (${rows.length} rows read, ${rows.length - candles.length} dropped)`,
        );
      out.push({ symbol, timeframe, source: this.name, schemaVersion: schema, candles, flags: [], quality });
    }
    enforceDataQuality(
      out.map((s) => s.quality!),
      this.quality,
    );
    return out;
  }
}

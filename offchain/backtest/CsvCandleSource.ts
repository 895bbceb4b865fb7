import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../engine/errors.js";
import type { MarketDataSource } from "../engine/MarketDataSource.js";
import { TIMEFRAME_MS } from "../types/market.js";
import type { Candle, CandleSeries, DataFlag, Timeframe } from "../types/market.js";
import { resolveDataDir } from "./resolveDataDir.js";

const HEADER = "timestamp,open,high,low,close,volume";

/**
 * Offline candles from `<dataDir>/ohlcv/<timeframe>/<BASE>-USDT.csv` (the shared data layout).
 * A stop-gap until the data team's `CsvSource` lands: validates the header, numbers, OHLC
 * consistency and time order, and flags gaps (never fills them).
 *
 * @example
 * const series = await new CsvCandleSource().load("1d", ["BTC/USDT", "ETH/USDT"]);
 */
export class CsvCandleSource implements MarketDataSource {
  readonly kind = "offline" as const;
  readonly name: string;

  constructor(private readonly dir: string = resolveDataDir()) {
    this.name = `csv:${dir}`;
  }

  /** Unified symbols available for a timeframe, sorted. */
  symbols(timeframe: Timeframe): string[] {
    const folder = join(this.dir, "ohlcv", timeframe);
    if (!existsSync(folder))
      throw new DataError(`no data folder ${folder}`, {
        hint: "set SIGIL_DATA_DIR to the folder that holds ohlcv/1d and ohlcv/1h",
      });
    return readdirSync(folder)
      .filter((f) => /^[A-Z0-9]+-[A-Z0-9]+\.csv$/.test(f))
      .map((f) => f.replace(/\.csv$/, "").replace("-", "/"))
      .sort();
  }

  async load(timeframe: Timeframe, symbols?: readonly string[]): Promise<CandleSeries[]> {
    const wanted = symbols ?? this.symbols(timeframe);
    return [...wanted].sort().map((s) => this.loadOne(timeframe, s));
  }

  private loadOne(timeframe: Timeframe, symbol: string): CandleSeries {
    const file = join(this.dir, "ohlcv", timeframe, `${symbol.replace("/", "-")}.csv`);
    if (!existsSync(file))
      throw new DataError(`no ${timeframe} data for ${symbol} (${file} not found)`, {
        hint: `available: ${this.symbols(timeframe).join(", ")}`,
      });
    const lines = readFileSync(file, "utf8").split("\n");
    if (lines[0]?.trim() !== HEADER)
      throw new DataError(`${file}: header is "${lines[0]}", expected "${HEADER}"`);
    const step = TIMEFRAME_MS[timeframe];
    const candles: Candle[] = [];
    const flags: DataFlag[] = [];
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === "") continue;
      const f = line.split(",");
      const [timestamp, open, high, low, close, volume] = f.map(Number) as [
        number,
        number,
        number,
        number,
        number,
        number,
      ];
      const where = `${file}:${i + 1}`;
      if (f.length !== 6 || ![timestamp, open, high, low, close, volume].every(Number.isFinite))
        throw new DataError(`${where}: expected 6 finite numbers, got "${line}"`);
      if (!(low > 0) || high < Math.max(open, close) || low > Math.min(open, close) || volume < 0)
        throw new DataError(`${where}: inconsistent candle (low ≤ open,close ≤ high, low > 0, volume ≥ 0)`);
      const prev = candles.at(-1);
      if (prev && timestamp <= prev.timestamp)
        throw new DataError(
          `${where}: timestamp ${timestamp} not after ${prev.timestamp}; rows must be sorted`,
        );
      if (prev && timestamp - prev.timestamp > step)
        flags.push({
          kind: "gap",
          from: prev.timestamp + step,
          to: timestamp - step,
          detail: `${(timestamp - prev.timestamp) / step - 1} missing ${timeframe} candles`,
        });
      candles.push({ timestamp, open, high, low, close, volume });
    }
    if (candles.length === 0) throw new DataError(`${file} has no candles`);
    return { symbol, timeframe, source: this.name, schemaVersion: "ohlcv/1", candles, flags };
  }
}

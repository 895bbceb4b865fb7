import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { CandleSeries, OrderBookSnapshot, Ticker, Timeframe } from "../types/market.js";
import type { Clock } from "./Clock.js";
import { systemClock } from "./Clock.js";
import { BadSymbolError, DataInputError, SchemaDriftError, SourceRejectedError } from "./errors.js";
import type { MarketDataSource } from "./MarketDataSource.js";
import { dataDir } from "./dataDir.js";
import { defaultSchemaRegistry } from "./schemaRegistry.js";
import type { DriftPolicy, SchemaRegistry } from "./schemaRegistry.js";

const HEADER = ["timestamp", "open", "high", "low", "close", "volume"];
/** Plain decimal, as the shared files promise: no exponent, no NaN, no thousands separators. */
const DECIMAL = /^-?\d+(\.\d+)?$/;

export interface CsvSourceOptions {
  /** Root holding `ohlcv/<timeframe>/<BASE>-<QUOTE>.csv` (default: `dataDir()`). */
  readonly dir?: string;
  readonly clock?: Clock;
  readonly registry?: SchemaRegistry;
  readonly onDrift?: DriftPolicy;
}

/**
 * Candles from the shared CSV files (`timestamp,open,high,low,close,volume`, ms open times,
 * decimal strings). The header must match exactly: an extra, missing or renamed column is
 * schema drift, and so is a cell that is not a plain decimal. Files are read once and cached.
 */
export class CsvSource implements MarketDataSource {
  readonly id: string;
  private readonly dir: string;
  private readonly clock: Clock;
  private readonly registry: SchemaRegistry;
  private readonly files = new Map<string, Promise<unknown[]>>();

  constructor(private readonly options: CsvSourceOptions = {}) {
    this.dir = options.dir ?? dataDir();
    this.id = `csv:${this.dir}`;
    this.clock = options.clock ?? systemClock;
    this.registry = options.registry ?? defaultSchemaRegistry;
  }

  /** Path of the file holding `symbol` at `timeframe`: "BTC/USDT" → ohlcv/1h/BTC-USDT.csv. */
  pathOf(symbol: string, timeframe: Timeframe): string {
    const [base, quote] = symbol.split("/");
    if (!base || !quote) throw new DataInputError(`not a unified symbol: "${symbol}" (expected BASE/QUOTE)`);
    return join(this.dir, "ohlcv", timeframe, `${base}-${quote}.csv`);
  }

  async fetchCandles(
    symbol: string,
    timeframe: Timeframe,
    since: number,
    until: number,
  ): Promise<CandleSeries> {
    if (!(since <= until)) throw new DataInputError(`since ${since} is after until ${until}`);
    const raws = await this.rows(symbol, timeframe);
    const inRange = raws.filter((r) => {
      const t = (r as { timestamp?: unknown }).timestamp;
      return typeof t !== "number" || (t >= since && t <= until);
    });
    const schema = this.registry.schemaFor("crypto-spot", timeframe).id;
    const { candles, flags } = this.registry.validateCandles(inRange, {
      schema,
      timeframe,
      now: this.clock.now(),
      onDrift: this.options.onDrift ?? "throw",
      allowExtra: false,
    });
    return { symbol, timeframe, source: this.id, schemaVersion: schema, candles, flags };
  }

  fetchTicker(symbol: string): Promise<Ticker> {
    return Promise.reject(
      new SourceRejectedError(`${this.id} has candles only; no ticker for ${symbol}`, { source: this.id }),
    );
  }

  fetchOrderBook(symbol: string): Promise<OrderBookSnapshot> {
    return Promise.reject(
      new SourceRejectedError(`${this.id} has candles only; no order book for ${symbol}`, {
        source: this.id,
      }),
    );
  }

  /**
   * Every row of the file as parsed, in file order, unvalidated (row i is file line i + 2): for
   * loaders that run the data-quality checker and must see what `fetchCandles` would drop.
   */
  rawRows(symbol: string, timeframe: Timeframe): Promise<unknown[]> {
    return this.rows(symbol, timeframe);
  }

  private rows(symbol: string, timeframe: Timeframe): Promise<unknown[]> {
    const path = this.pathOf(symbol, timeframe);
    let p = this.files.get(path);
    if (!p) {
      p = this.parse(path, symbol);
      p.catch(() => this.files.delete(path));
      this.files.set(path, p);
    }
    return p;
  }

  private async parse(path: string, symbol: string): Promise<unknown[]> {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (e) {
      throw new BadSymbolError(`${this.id}: no file for ${symbol} at ${path}`, { source: this.id, cause: e });
    }
    const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
    const header = (lines[0] ?? "").split(",");
    if (header.join(",") !== HEADER.join(",")) {
      throw new SchemaDriftError("ohlcv/1", `header "${HEADER.join(",")}"`, `"${header.join(",")}"`, {
        source: this.id,
        at: path,
      });
    }
    return lines.slice(1).map((line, i) => {
      const cells = line.split(",");
      const at = `${path}:${i + 2}`;
      if (cells.length !== HEADER.length) {
        throw new SchemaDriftError("ohlcv/1", `${HEADER.length} columns`, `${cells.length} in "${line}"`, {
          source: this.id,
          at,
        });
      }
      const rec: Record<string, unknown> = {};
      HEADER.forEach((name, k) => {
        const cell = cells[k]!.trim();
        // a non-decimal cell stays a string so the registry reports it as drift instead of NaN
        rec[name] = DECIMAL.test(cell) ? Number(cell) : cell;
      });
      return rec;
    });
  }
}

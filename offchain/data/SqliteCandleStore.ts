import { DatabaseSync } from "node:sqlite";
import type { Candle, CandleSeries } from "../types/market.js";
import type { CandleStore, SeriesInfo, SeriesKey, StoredSeries, UpsertResult } from "./CandleStore.js";
import { dataVersionOf, diffCandles } from "./CandleStore.js";
import { DataInputError } from "./errors.js";

/**
 * The embedded default store: one SQLite file (or ":memory:") through Node's built-in
 * `node:sqlite`, so research and backtests need no database server. Prices are REAL (IEEE
 * doubles, bit-exact round trip of JS numbers).
 */
export class SqliteCandleStore implements CandleStore {
  private readonly db: DatabaseSync;

  constructor(path = ":memory:") {
    this.db = new DatabaseSync(path);
    this.db.exec(`
      PRAGMA journal_mode = WAL;
      CREATE TABLE IF NOT EXISTS candles (
        source TEXT NOT NULL, symbol TEXT NOT NULL, timeframe TEXT NOT NULL, ts INTEGER NOT NULL,
        open REAL NOT NULL, high REAL NOT NULL, low REAL NOT NULL, close REAL NOT NULL, volume REAL NOT NULL,
        PRIMARY KEY (source, symbol, timeframe, ts)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS series (
        source TEXT NOT NULL, symbol TEXT NOT NULL, timeframe TEXT NOT NULL,
        schema_version TEXT NOT NULL, data_version TEXT NOT NULL, updated_at INTEGER NOT NULL,
        PRIMARY KEY (source, symbol, timeframe)
      );
    `);
  }

  async upsert(series: CandleSeries): Promise<UpsertResult> {
    const key = { source: series.source, symbol: series.symbol, timeframe: series.timeframe };
    this.checkSchema(key, series.schemaVersion);
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const first = series.candles[0]?.timestamp ?? 0;
      const last = series.candles[series.candles.length - 1]?.timestamp ?? -1;
      const { inserts, updates, unchanged } = diffCandles(this.rows(key, first, last), series.candles);
      const put = this.db.prepare(
        `INSERT INTO candles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (source, symbol, timeframe, ts) DO UPDATE SET
           open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume`,
      );
      for (const c of [...inserts, ...updates]) {
        put.run(key.source, key.symbol, key.timeframe, c.timestamp, c.open, c.high, c.low, c.close, c.volume);
      }
      const dataVersion = dataVersionOf(this.rows(key, -Infinity, Infinity));
      this.db
        .prepare(
          `INSERT INTO series VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (source, symbol, timeframe) DO UPDATE SET data_version = excluded.data_version, updated_at = excluded.updated_at`,
        )
        .run(key.source, key.symbol, key.timeframe, series.schemaVersion, dataVersion, Date.now());
      this.db.exec("COMMIT");
      return { inserted: inserts.length, updated: updates.length, unchanged, dataVersion };
    } catch (e) {
      this.db.exec("ROLLBACK");
      throw e;
    }
  }

  async read(key: SeriesKey, from: number, to: number): Promise<StoredSeries> {
    const candles = this.rows(key, from, to);
    return {
      ...key,
      schemaVersion: this.meta(key)?.schema_version ?? "",
      candles,
      dataVersion: dataVersionOf(candles),
    };
  }

  async latest(key: SeriesKey): Promise<Candle | undefined> {
    const row = this.db
      .prepare(
        `SELECT ts, open, high, low, close, volume FROM candles WHERE source = ? AND symbol = ? AND timeframe = ? ORDER BY ts DESC LIMIT 1`,
      )
      .get(key.source, key.symbol, key.timeframe);
    return row ? toCandle(row) : undefined;
  }

  async list(): Promise<SeriesInfo[]> {
    const rows = this.db
      .prepare(
        `SELECT s.source, s.symbol, s.timeframe, s.schema_version, s.data_version,
                COUNT(c.ts) AS n, MIN(c.ts) AS first, MAX(c.ts) AS last
         FROM series s JOIN candles c USING (source, symbol, timeframe)
         GROUP BY s.source, s.symbol, s.timeframe ORDER BY s.source, s.symbol, s.timeframe`,
      )
      .all();
    return rows.map((r) => ({
      source: String(r.source),
      symbol: String(r.symbol),
      timeframe: String(r.timeframe) as SeriesInfo["timeframe"],
      schemaVersion: String(r.schema_version),
      dataVersion: String(r.data_version),
      count: Number(r.n),
      first: Number(r.first),
      last: Number(r.last),
    }));
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }

  private rows(key: SeriesKey, from: number, to: number): Candle[] {
    return this.db
      .prepare(
        `SELECT ts, open, high, low, close, volume FROM candles
         WHERE source = ? AND symbol = ? AND timeframe = ? AND ts >= ? AND ts <= ? ORDER BY ts`,
      )
      .all(key.source, key.symbol, key.timeframe, clamp(from), clamp(to))
      .map(toCandle);
  }

  private meta(key: SeriesKey): { schema_version: string } | undefined {
    const row = this.db
      .prepare(`SELECT schema_version FROM series WHERE source = ? AND symbol = ? AND timeframe = ?`)
      .get(key.source, key.symbol, key.timeframe);
    return row ? { schema_version: String(row.schema_version) } : undefined;
  }

  /** One series, one schema version: mixing versions would make its rows incomparable. */
  private checkSchema(key: SeriesKey, schemaVersion: string): void {
    const stored = this.meta(key)?.schema_version;
    if (stored !== undefined && stored !== schemaVersion) {
      throw new DataInputError(
        `${key.source} ${key.symbol} ${key.timeframe} is stored as ${stored}; refusing rows of ${schemaVersion}. Migrate or use a new source id.`,
      );
    }
  }
}

function clamp(t: number): number {
  return Math.max(Number.MIN_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, t));
}

function toCandle(r: Record<string, unknown>): Candle {
  return {
    timestamp: Number(r.ts),
    open: Number(r.open),
    high: Number(r.high),
    low: Number(r.low),
    close: Number(r.close),
    volume: Number(r.volume),
  };
}

import pg from "pg";
import type { PoolClient, PoolConfig } from "pg";
import type { Candle, CandleSeries } from "../types/market.js";
import type { CandleStore, SeriesInfo, SeriesKey, StoredSeries, UpsertResult } from "./CandleStore.js";
import { dataVersionOf, diffCandles } from "./CandleStore.js";
import { DataInputError } from "./errors.js";

/**
 * The production store: PostgreSQL through `pg`, in its own schema (default "market"). Prices are
 * `double precision`, so values round-trip bit-exactly and data versions match the SQLite store.
 * Upserts of one series are serialised with a transaction-scoped advisory lock.
 */
export class PostgresCandleStore implements CandleStore {
  private readonly pool: pg.Pool;
  private ready: Promise<void> | undefined;

  constructor(
    config: PoolConfig,
    private readonly schema = "market",
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new DataInputError(`invalid schema name "${schema}"`);
    this.pool = new pg.Pool(config);
  }

  async upsert(series: CandleSeries): Promise<UpsertResult> {
    await this.init();
    const key = { source: series.source, symbol: series.symbol, timeframe: series.timeframe };
    return this.tx(async (c) => {
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [
        `${key.source}|${key.symbol}|${key.timeframe}`,
      ]);
      const meta = await c.query(
        `SELECT schema_version FROM ${this.schema}.series WHERE source=$1 AND symbol=$2 AND timeframe=$3`,
        [key.source, key.symbol, key.timeframe],
      );
      const stored = meta.rows[0]?.schema_version as string | undefined;
      if (stored !== undefined && stored !== series.schemaVersion) {
        throw new DataInputError(
          `${key.source} ${key.symbol} ${key.timeframe} is stored as ${stored}; refusing rows of ${series.schemaVersion}. Migrate or use a new source id.`,
        );
      }
      const first = series.candles[0]?.timestamp ?? 0;
      const last = series.candles[series.candles.length - 1]?.timestamp ?? -1;
      const { inserts, updates, unchanged } = diffCandles(
        await this.rows(c, key, first, last),
        series.candles,
      );
      const changed = [...inserts, ...updates];
      if (changed.length > 0) {
        // one statement per batch: unnest the columns instead of N round trips
        await c.query(
          `INSERT INTO ${this.schema}.candles (source, symbol, timeframe, ts, open, high, low, close, volume)
           SELECT $1, $2, $3, * FROM unnest($4::bigint[], $5::float8[], $6::float8[], $7::float8[], $8::float8[], $9::float8[])
           ON CONFLICT (source, symbol, timeframe, ts) DO UPDATE SET
             open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, volume = excluded.volume`,
          [
            key.source,
            key.symbol,
            key.timeframe,
            changed.map((x) => x.timestamp),
            changed.map((x) => x.open),
            changed.map((x) => x.high),
            changed.map((x) => x.low),
            changed.map((x) => x.close),
            changed.map((x) => x.volume),
          ],
        );
      }
      const dataVersion = dataVersionOf(await this.rows(c, key, -Infinity, Infinity));
      await c.query(
        `INSERT INTO ${this.schema}.series VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (source, symbol, timeframe) DO UPDATE SET data_version = excluded.data_version, updated_at = now()`,
        [key.source, key.symbol, key.timeframe, series.schemaVersion, dataVersion],
      );
      return { inserted: inserts.length, updated: updates.length, unchanged, dataVersion };
    });
  }

  async read(key: SeriesKey, from: number, to: number): Promise<StoredSeries> {
    await this.init();
    const c = await this.pool.connect();
    try {
      const candles = await this.rows(c, key, from, to);
      const meta = await c.query(
        `SELECT schema_version FROM ${this.schema}.series WHERE source=$1 AND symbol=$2 AND timeframe=$3`,
        [key.source, key.symbol, key.timeframe],
      );
      return {
        ...key,
        schemaVersion: (meta.rows[0]?.schema_version as string | undefined) ?? "",
        candles,
        dataVersion: dataVersionOf(candles),
      };
    } finally {
      c.release();
    }
  }

  async latest(key: SeriesKey): Promise<Candle | undefined> {
    await this.init();
    const r = await this.pool.query(
      `SELECT ts, open, high, low, close, volume FROM ${this.schema}.candles
       WHERE source=$1 AND symbol=$2 AND timeframe=$3 ORDER BY ts DESC LIMIT 1`,
      [key.source, key.symbol, key.timeframe],
    );
    return r.rows[0] ? toCandle(r.rows[0] as Record<string, unknown>) : undefined;
  }

  async list(): Promise<SeriesInfo[]> {
    await this.init();
    const r = await this.pool.query(
      `SELECT s.source, s.symbol, s.timeframe, s.schema_version, s.data_version,
              COUNT(c.ts) AS n, MIN(c.ts) AS first, MAX(c.ts) AS last
       FROM ${this.schema}.series s JOIN ${this.schema}.candles c USING (source, symbol, timeframe)
       GROUP BY s.source, s.symbol, s.timeframe, s.schema_version, s.data_version
       ORDER BY s.source, s.symbol, s.timeframe`,
    );
    return r.rows.map((row: Record<string, unknown>) => ({
      source: String(row.source),
      symbol: String(row.symbol),
      timeframe: String(row.timeframe) as SeriesInfo["timeframe"],
      schemaVersion: String(row.schema_version),
      dataVersion: String(row.data_version),
      count: Number(row.n),
      first: Number(row.first),
      last: Number(row.last),
    }));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Drops the store's schema and everything in it (tests, and re-ingesting from scratch). */
  async dropSchema(): Promise<void> {
    await this.pool.query(`DROP SCHEMA IF EXISTS ${this.schema} CASCADE`);
    this.ready = undefined;
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
      await this.pool.query(`
        CREATE TABLE IF NOT EXISTS ${this.schema}.candles (
          source text NOT NULL, symbol text NOT NULL, timeframe text NOT NULL, ts bigint NOT NULL,
          open float8 NOT NULL, high float8 NOT NULL, low float8 NOT NULL, close float8 NOT NULL, volume float8 NOT NULL,
          PRIMARY KEY (source, symbol, timeframe, ts));
        CREATE TABLE IF NOT EXISTS ${this.schema}.series (
          source text NOT NULL, symbol text NOT NULL, timeframe text NOT NULL,
          schema_version text NOT NULL, data_version text NOT NULL, updated_at timestamptz NOT NULL,
          PRIMARY KEY (source, symbol, timeframe));`);
    })().catch((e: unknown) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  private async tx<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query("BEGIN");
      const out = await fn(c);
      await c.query("COMMIT");
      return out;
    } catch (e) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  private async rows(c: PoolClient, key: SeriesKey, from: number, to: number): Promise<Candle[]> {
    const clamp = (t: number): string =>
      String(Math.max(Number.MIN_SAFE_INTEGER, Math.min(Number.MAX_SAFE_INTEGER, t)));
    const r = await c.query(
      `SELECT ts, open, high, low, close, volume FROM ${this.schema}.candles
       WHERE source=$1 AND symbol=$2 AND timeframe=$3 AND ts >= $4 AND ts <= $5 ORDER BY ts`,
      [key.source, key.symbol, key.timeframe, clamp(from), clamp(to)],
    );
    return r.rows.map((row: Record<string, unknown>) => toCandle(row));
  }
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

import { createHash } from "node:crypto";
import type { Candle, CandleSeries, Timeframe } from "../types/market.js";

/** Identifies one stored series: the same market from two sources is two series. */
export interface SeriesKey {
  readonly source: string;
  readonly symbol: string;
  readonly timeframe: Timeframe;
}

export interface UpsertResult {
  readonly inserted: number;
  /** Rows whose values changed (e.g. a candle stored while partial, now closed). */
  readonly updated: number;
  readonly unchanged: number;
  /** Hash of the whole stored series after the upsert. */
  readonly dataVersion: string;
}

/** Rows read back, with the hash of exactly these rows so a decision can cite what it read. */
export interface StoredSeries extends SeriesKey {
  readonly schemaVersion: string;
  readonly candles: readonly Candle[];
  readonly dataVersion: string;
}

export interface SeriesInfo extends SeriesKey {
  readonly schemaVersion: string;
  readonly count: number;
  readonly first: number;
  readonly last: number;
  readonly dataVersion: string;
}

/**
 * Where validated candles live. `upsert` is idempotent (re-ingesting a range stores nothing
 * twice; overlapping ranges merge by open time), and every read reports a data version.
 * Implementations: `SqliteCandleStore` (embedded, default) and `PostgresCandleStore`.
 */
export interface CandleStore {
  upsert(series: CandleSeries): Promise<UpsertResult>;
  /** Candles with open time in [from, to], ascending. */
  read(key: SeriesKey, from: number, to: number): Promise<StoredSeries>;
  latest(key: SeriesKey): Promise<Candle | undefined>;
  list(): Promise<SeriesInfo[]>;
  close(): Promise<void>;
}

/**
 * sha256 over the canonical text of the rows ("ts,o,h,l,c,v\n", JS shortest round-trip numbers),
 * prefixed "sha256:". The same rows give the same version in every store and on every machine.
 */
export function dataVersionOf(candles: readonly Candle[]): string {
  const h = createHash("sha256");
  for (const c of candles) h.update(`${c.timestamp},${c.open},${c.high},${c.low},${c.close},${c.volume}\n`);
  return `sha256:${h.digest("hex")}`;
}

/** Splits incoming candles against what is stored: new, changed, identical. */
export function diffCandles(
  existing: readonly Candle[],
  incoming: readonly Candle[],
): { inserts: Candle[]; updates: Candle[]; unchanged: number } {
  const byTs = new Map(existing.map((c) => [c.timestamp, c]));
  const inserts: Candle[] = [];
  const updates: Candle[] = [];
  let unchanged = 0;
  for (const c of incoming) {
    const old = byTs.get(c.timestamp);
    if (!old) inserts.push(c);
    else if (
      old.open === c.open &&
      old.high === c.high &&
      old.low === c.low &&
      old.close === c.close &&
      old.volume === c.volume
    )
      unchanged++;
    else updates.push(c);
  }
  return { inserts, updates, unchanged };
}

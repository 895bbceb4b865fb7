import type { DataFlag, Timeframe } from "../types/market.js";
import type { CandleStore } from "./CandleStore.js";
import { TIMEFRAME_MS } from "../types/market.js";
import { DataInputError } from "./errors.js";
import { isRetryable } from "../errors/classify.js";
import type { DataError } from "./errors.js";
import type { MarketDataSource } from "./MarketDataSource.js";

export interface IngestRange {
  /** First candle open time, ms (inclusive). */
  readonly from: number;
  /** Last candle open time, ms (inclusive). */
  readonly to: number;
}

export interface IngestProgress {
  readonly symbol: string;
  readonly index: number;
  readonly total: number;
  readonly rowsNew: number;
  readonly rowsUnchanged: number;
}

export interface IngestOptions {
  readonly onProgress?: (p: IngestProgress) => void;
  /** Store the still-open last candle too (default false: it would change under the data version). */
  readonly storePartial?: boolean;
  /** Keep going with the next symbol when one fails (default true); failures are in the summary. */
  readonly continueOnError?: boolean;
}

export interface SymbolSummary {
  readonly symbol: string;
  readonly rowsNew: number;
  readonly rowsUpdated: number;
  readonly rowsUnchanged: number;
  readonly flags: readonly DataFlag[];
  readonly dataVersion?: string;
  readonly error?: { readonly name: string; readonly message: string; readonly retryable: boolean };
}

export interface IngestSummary {
  readonly source: string;
  readonly timeframe: Timeframe;
  readonly range: IngestRange;
  readonly rowsNew: number;
  readonly rowsUpdated: number;
  readonly rowsUnchanged: number;
  readonly flags: readonly DataFlag[];
  readonly symbols: readonly SymbolSummary[];
}

/**
 * Fetches `symbols` over `range` from `source`, validates (the source does), and upserts into
 * `store`. Re-running the same range adds nothing; overlapping ranges merge. Flags (gaps, drift,
 * stale, partial) are reported, never repaired. A failing symbol does not lose the others.
 *
 * @example
 * const summary = await ingest(source, ["BTC/USDT"], "1h", { from, to }, store, { onProgress: console.log });
 */
export async function ingest(
  source: MarketDataSource,
  symbols: readonly string[],
  timeframe: Timeframe,
  range: IngestRange,
  store: CandleStore,
  options: IngestOptions = {},
): Promise<IngestSummary> {
  if (TIMEFRAME_MS[timeframe] === undefined) throw new DataInputError(`unknown timeframe "${timeframe}"`);
  if (!(range.from <= range.to))
    throw new DataInputError(`range.from ${range.from} is after range.to ${range.to}`);
  const results: SymbolSummary[] = [];
  for (const [index, symbol] of symbols.entries()) {
    let summary: SymbolSummary;
    try {
      const series = await source.fetchCandles(symbol, timeframe, range.from, range.to);
      const partial = series.flags.find((f) => f.kind === "partial");
      const candles =
        partial && !options.storePartial
          ? series.candles.filter((c) => c.timestamp !== partial.from)
          : series.candles;
      const r = await store.upsert({ ...series, candles });
      summary = {
        symbol,
        rowsNew: r.inserted,
        rowsUpdated: r.updated,
        rowsUnchanged: r.unchanged,
        flags: series.flags,
        dataVersion: r.dataVersion,
      };
    } catch (e) {
      if (options.continueOnError === false) throw e;
      const err = e as Partial<DataError> & Error;
      summary = {
        symbol,
        rowsNew: 0,
        rowsUpdated: 0,
        rowsUnchanged: 0,
        flags: [],
        error: { name: err.name, message: err.message, retryable: isRetryable(e) },
      };
    }
    results.push(summary);
    options.onProgress?.({
      symbol,
      index,
      total: symbols.length,
      rowsNew: summary.rowsNew,
      rowsUnchanged: summary.rowsUnchanged,
    });
  }
  return {
    source: source.id,
    timeframe,
    range,
    rowsNew: results.reduce((s, r) => s + r.rowsNew, 0),
    rowsUpdated: results.reduce((s, r) => s + r.rowsUpdated, 0),
    rowsUnchanged: results.reduce((s, r) => s + r.rowsUnchanged, 0),
    flags: results.flatMap((r) => r.flags),
    symbols: results,
  };
}

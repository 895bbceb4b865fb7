import type { Candle } from "../../types/market.js";
import type { DataQualityConfig } from "./DataQualityConfig.js";
import { DATA_QUALITY_ISSUE_KINDS } from "./DataQualityReport.js";
import type {
  AssetDataQuality,
  DataQualityAction,
  DataQualityIssue,
  DataQualityIssueKind,
} from "./DataQualityReport.js";

/** One raw row with a reference back to where it was read. */
export interface SourcedCandle {
  readonly candle: Candle;
  readonly row: string;
}

/** Examples kept per issue kind (the counts stay complete). */
const EXAMPLES_PER_KIND = 5;

/**
 * The one data-quality checker every loader runs (CSV files, candle store). It never invents a
 * row: out-of-order rows are sorted (stable, by open time), duplicates keep the first row,
 * impossible rows (non-finite, non-positive prices, high < low, open/close outside [low, high],
 * negative volume, misaligned time) and one-bar spikes that revert are dropped, and holes longer
 * than `maxGapBars` are flagged, not filled. Every one is counted, with its row reference, in the
 * returned report; `config.strict` is enforced by the caller, which knows how to fail.
 *
 * @example
 * const { candles, quality } = checkCandleQuality("BTC/USDT", "btc.csv", rows, 86_400_000, config);
 */
export function checkCandleQuality(
  symbol: string,
  origin: string,
  rows: readonly SourcedCandle[],
  barMs: number,
  config: DataQualityConfig,
): { candles: Candle[]; quality: AssetDataQuality } {
  const counts = Object.fromEntries(DATA_QUALITY_ISSUE_KINDS.map((k) => [k, 0])) as Record<
    DataQualityIssueKind,
    number
  >;
  const examples: DataQualityIssue[] = [];
  const note = (
    kind: DataQualityIssueKind,
    r: SourcedCandle,
    detail: string,
    action: DataQualityAction,
  ): void => {
    counts[kind]++;
    if (counts[kind] <= EXAMPLES_PER_KIND)
      examples.push({
        kind,
        row: r.row,
        timestamp: Number.isFinite(r.candle.timestamp) ? r.candle.timestamp : null,
        detail,
        action,
      });
  };

  // 1. Impossible rows.
  const valid: SourcedCandle[] = [];
  for (const r of rows) {
    const problem = impossible(r.candle, barMs);
    if (problem) note(problem[0], r, problem[1], "dropped");
    else valid.push(r);
  }

  // 2. Time order: count rows earlier than the row before them, then sort (stable).
  for (let i = 1; i < valid.length; i++)
    if (valid[i]!.candle.timestamp < valid[i - 1]!.candle.timestamp)
      note(
        "out-of-order",
        valid[i]!,
        `open time ${iso(valid[i]!.candle.timestamp)} after ${iso(valid[i - 1]!.candle.timestamp)}`,
        "sorted",
      );
  const sorted = [...valid].sort((a, b) => a.candle.timestamp - b.candle.timestamp);

  // 3. Duplicates: the first row (in source order) of each open time is kept.
  const unique: SourcedCandle[] = [];
  for (const r of sorted) {
    const prev = unique.at(-1);
    if (prev && prev.candle.timestamp === r.candle.timestamp) {
      const same = sameValues(prev.candle, r.candle);
      note(
        "duplicate-timestamp",
        r,
        `${iso(r.candle.timestamp)} repeats ${prev.row}${same ? " (identical values)" : " with different values"}; first kept`,
        "dropped",
      );
    } else unique.push(r);
  }

  // 4. Spikes: a bar far from both neighbours in opposite directions, and the next bar back near
  //    the previous one. Tested on open, high, low and close separately (a wick can spike alone).
  const kept: SourcedCandle[] = [];
  for (let i = 0; i < unique.length; i++) {
    const spike = i > 0 && i < unique.length - 1 ? spikeOf(unique, i, config) : undefined;
    if (spike) note("spike", unique[i]!, spike, "dropped");
    else kept.push(unique[i]!);
  }

  // 5. Gaps longer than maxGapBars (kept as holes).
  for (let i = 1; i < kept.length; i++) {
    const missing = (kept[i]!.candle.timestamp - kept[i - 1]!.candle.timestamp) / barMs - 1;
    if (missing > config.maxGapBars)
      note(
        "gap",
        kept[i]!,
        `${missing} bar(s) missing after ${iso(kept[i - 1]!.candle.timestamp)}; not filled`,
        "flagged",
      );
  }

  return {
    candles: kept.map((r) => r.candle),
    quality: {
      symbol,
      origin,
      rowsRead: rows.length,
      rowsKept: kept.length,
      counts: Object.freeze(counts),
      examples: Object.freeze(examples),
    },
  };
}

function impossible(c: Candle, barMs: number): [DataQualityIssueKind, string] | undefined {
  for (const k of ["timestamp", "open", "high", "low", "close", "volume"] as const)
    if (!Number.isFinite(c[k])) return ["non-finite", `${k} is ${c[k]}`];
  for (const k of ["open", "high", "low", "close"] as const)
    if (!(c[k] > 0)) return ["non-positive-price", `${k} is ${c[k]}`];
  if (c.high < c.low) return ["ohlc-inconsistent", `high ${c.high} below low ${c.low}`];
  for (const k of ["open", "close"] as const)
    if (c[k] > c.high || c[k] < c.low)
      return ["ohlc-inconsistent", `${k} ${c[k]} outside [low ${c.low}, high ${c.high}]`];
  if (c.volume < 0) return ["negative-volume", `volume ${c.volume}`];
  if (c.timestamp % barMs !== 0)
    return ["misaligned-timestamp", `open time ${c.timestamp} not a multiple of ${barMs} ms`];
  return undefined;
}

function spikeOf(rows: readonly SourcedCandle[], i: number, config: DataQualityConfig): string | undefined {
  const p = rows[i - 1]!.candle;
  const c = rows[i]!.candle;
  const n = rows[i + 1]!.candle;
  for (const k of ["close", "open", "high", "low"] as const) {
    const up = Math.log(c[k] / p[k]);
    const down = Math.log(n[k] / c[k]);
    if (
      Math.abs(up) > config.spikeLogMove &&
      Math.abs(down) > config.spikeLogMove &&
      Math.sign(up) !== Math.sign(down) &&
      Math.abs(up + down) < config.spikeRevertLog
    )
      return `${k} ${c[k]} is ×${(c[k] / p[k]).toPrecision(3)} the bar before and ×${(n[k] / c[k]).toPrecision(3)} to the bar after; dropped (left as a one-bar hole)`;
  }
  return undefined;
}

function sameValues(a: Candle, b: Candle): boolean {
  return (
    a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close && a.volume === b.volume
  );
}

function iso(t: number): string {
  return Number.isFinite(t) ? new Date(t).toISOString().replace(".000Z", "Z") : String(t);
}

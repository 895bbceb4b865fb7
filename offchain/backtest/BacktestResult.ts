import type { AssetDataQuality } from "../data/quality/DataQualityReport.js";
import type { Fill, OrderReject } from "../engine/ExecutionVenue.js";
import type { KillLevel } from "../strategy/KillLevel.js";
import type { StrategyConfig } from "../strategy/StrategyConfig.js";
import type { RunLogRecord } from "../types/decision.js";
import type { Timeframe } from "../types/market.js";
import type { ExecutionConfig } from "./ExecutionConfig.js";

/** The account marked at the close of one replayed time step. */
export interface EquityPoint {
  /** Close time of the step, ms. */
  readonly time: number;
  readonly equity: number;
  readonly cash: number;
  /** Marked value per held symbol (signed). */
  readonly values: Readonly<Record<string, number>>;
  readonly killLevel: KillLevel;
}

/**
 * An asset that stopped trading (no candle for more than `staleAfterBars` steps): from `staleFrom`
 * it is not marked at its last close any more, and a position held in it is written down to zero
 * (there is no market to exit on) until it trades again (`resumedAt`).
 */
export interface StaleEvent {
  readonly symbol: string;
  /** Close time of its last candle before the silence. */
  readonly lastCandleClose: number;
  /** Close time of the step at which it was declared stale. */
  readonly staleFrom: number;
  readonly lastClose: number;
  /** Position held when it went stale (0: none). */
  readonly quantity: number;
  /** Value removed from equity: quantity × last close. */
  readonly writtenDown: number;
  /** Close time of its first candle after the silence, or null if it never traded again. */
  readonly resumedAt: number | null;
}

export interface BacktestResult {
  readonly runId: string;
  readonly seed: number;
  readonly timeframe: Timeframe;
  readonly periodsPerYear: number;
  readonly symbols: readonly string[];
  readonly strategy: StrategyConfig;
  readonly execution: ExecutionConfig;
  readonly equity: readonly EquityPoint[];
  readonly fills: readonly Fill[];
  readonly rejects: readonly OrderReject[];
  readonly decisions: readonly RunLogRecord[];
  /** The run log exactly as written to `run_log.jsonl`. */
  readonly runLog: string;
  readonly runLogHead: string;
  readonly feesPaid: number;
  /** Last close per symbol per step is not kept; closes for benchmarks are. */
  readonly closes: Readonly<Record<string, ReadonlyArray<readonly [number, number]>>>;
  /** The start the caller asked for (ms), or null: then metrics and benchmarks start at the first decision. */
  readonly requestedStart: number | null;
  /** Silence (bars) after which an asset was treated as stale. */
  readonly staleAfterBars: number;
  /** Every stale period of every asset, in time order. */
  readonly stale: readonly StaleEvent[];
  /** What the data-quality checker found in each loaded series. */
  readonly dataQuality: readonly AssetDataQuality[];
}

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
}

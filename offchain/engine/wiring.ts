import type { BacktestResult } from "../backtest/BacktestResult.js";
import type { ExecutionConfig } from "../backtest/ExecutionConfig.js";
import { runBacktest } from "../backtest/runBacktest.js";
import type { BacktestOptions } from "../backtest/runBacktest.js";
import type { ScoreProvider } from "../strategy/ScoreProvider.js";
import type { StrategyConfig } from "../strategy/StrategyConfig.js";
import type { Timeframe } from "../types/market.js";
import { LiveSourceInBacktestError } from "./errors.js";
import type { MarketDataSource } from "./MarketDataSource.js";
import { withNetworkDisabled } from "./withNetworkDisabled.js";

/** The modes of the one kernel; only this module knows which one is running. */
export type EngineMode = "backtest" | "shadow" | "paper" | "live";

export interface BacktestWiring {
  readonly source: MarketDataSource;
  readonly timeframe: Timeframe;
  readonly symbols?: readonly string[];
  readonly provider: ScoreProvider;
  readonly strategy: StrategyConfig;
  readonly execution: ExecutionConfig;
  readonly seed: number;
  readonly start?: number;
  readonly end?: number;
  readonly onProgress?: BacktestOptions["onProgress"];
  readonly onDecision?: BacktestOptions["onDecision"];
}

/**
 * Backtest mode: an offline source, a historical clock and the simulated venue around the shared
 * kernel. Refuses live sources, and runs with `fetch` disabled so no data can leak in from the
 * network even through a source that misreports its kind.
 *
 * @example
 * const result = await wireBacktest({ source: new CsvCandleSource(), timeframe: "1d", provider, strategy, execution, seed: 1 });
 */
export async function wireBacktest(w: BacktestWiring): Promise<BacktestResult> {
  if (w.source.kind !== "offline")
    throw new LiveSourceInBacktestError(
      `backtest refused source "${w.source.name}": it is a ${w.source.kind} source`,
      {
        hint: "backtests replay stored data; use an offline source such as CsvCandleSource",
      },
    );
  return withNetworkDisabled(`backtest source "${w.source.name}"`, async () => {
    const series = await w.source.load(w.timeframe, w.symbols);
    return runBacktest({
      series,
      provider: w.provider,
      strategy: w.strategy,
      execution: w.execution,
      seed: w.seed,
      start: w.start,
      end: w.end,
      onProgress: w.onProgress,
      onDecision: w.onDecision,
    });
  });
}

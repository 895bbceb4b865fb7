import type { AssetDataQuality } from "../data/quality/DataQualityReport.js";
import { TIMEFRAME_MS } from "../types/market.js";
import type { BacktestResult, StaleEvent } from "./BacktestResult.js";
import { buyAndHold, equalWeight } from "./metrics/benchmarks.js";
import { computeMetrics } from "./metrics/computeMetrics.js";
import type { PerformanceMetrics } from "./metrics/computeMetrics.js";
import { concentration } from "./metrics/concentration.js";
import { correlationMatrix } from "./metrics/correlationMatrix.js";
import type { CorrelationReport } from "./metrics/correlationMatrix.js";
import { periodReturns } from "./metrics/periodReturns.js";
import { stressScenarios } from "./metrics/stressScenarios.js";
import type { StressResult } from "./metrics/stressScenarios.js";
import { valueAtRisk } from "./metrics/valueAtRisk.js";
import type { VarReport } from "./metrics/valueAtRisk.js";

export interface BacktestAnalysis {
  /**
   * The window every metric and benchmark covers: from the requested start (`--from`; the
   * strategy is in cash until its first decision) or, when none was asked for, from the first
   * decision (after warm-up). `basis` says which.
   */
  readonly period: {
    readonly from: number;
    readonly to: number;
    readonly firstDecision: number | null;
    readonly basis: "requested-start" | "first-decision";
  };
  readonly strategy: PerformanceMetrics;
  readonly benchmarks: {
    readonly buyAndHoldBtc: PerformanceMetrics | null;
    readonly equalWeight: PerformanceMetrics;
  };
  readonly risk: {
    readonly var95: VarReport;
    readonly var99: VarReport;
    /** Correlation of the assets held at the last decision (all assets if none held). */
    readonly correlation: CorrelationReport;
    readonly concentration: {
      readonly latestHhi: number;
      readonly averageHhi: number;
      readonly latestEffectiveN: number;
    };
    readonly stress: readonly StressResult[];
  };
  /** Benchmark equity curves on the strategy's timeline (for charts). */
  readonly curves: {
    readonly buyAndHoldBtc: readonly number[] | null;
    readonly equalWeight: readonly number[];
  };
  /** Per asset: what the data-quality checker sorted, dropped or flagged while loading. */
  readonly dataQuality: readonly AssetDataQuality[];
  /** Assets that stopped trading during the run (written down while silent). */
  readonly stale: { readonly afterBars: number; readonly events: readonly StaleEvent[] };
}

/**
 * Everything the report shows about a run: performance of the strategy and of its benchmarks
 * (buy-and-hold BTC, equal weight rebalanced on the same schedule) over the same steps, VaR/CVaR,
 * correlation and concentration of the book, and crash-window stress results.
 */
export function analyzeBacktest(r: BacktestResult): BacktestAnalysis {
  const from = analysisStart(r);
  const pts = r.equity.filter((p) => p.time >= from);
  const times = pts.map((p) => p.time);
  const eq = pts.map((p) => p.equity);
  const gross = pts.map((p) => Object.values(p.values).reduce((a, v) => a + Math.abs(v), 0));
  const capital = eq[0] ?? r.execution.initialCapital;
  const strategy = computeMetrics({
    times,
    equity: eq,
    periodsPerYear: r.periodsPerYear,
    fills: r.fills,
    gross,
  });
  const staleMs = r.staleAfterBars * TIMEFRAME_MS[r.timeframe];
  const btc = r.closes["BTC/USDT"] ? buyAndHold(r.closes["BTC/USDT"], times, capital, staleMs) : null;
  const ew = equalWeight(r.closes, times, capital, r.strategy.rebalanceEvery, staleMs);
  const rets = periodReturns(eq);
  const last = r.decisions.at(-1);
  const held = Object.keys(last?.weights ?? {});
  const hhis = r.decisions.map((d) => concentration(d.weights).hhi).filter((h) => h > 0);
  const latest = concentration(last?.weights ?? {});
  return {
    period: {
      from: times[0] ?? from,
      to: times.at(-1) ?? from,
      firstDecision: r.decisions[0]?.timestamp ?? null,
      basis: r.requestedStart === null ? "first-decision" : "requested-start",
    },
    strategy,
    benchmarks: {
      buyAndHoldBtc: btc ? computeMetrics({ times, equity: btc, periodsPerYear: r.periodsPerYear }) : null,
      equalWeight: computeMetrics({ times, equity: ew, periodsPerYear: r.periodsPerYear }),
    },
    risk: {
      var95: valueAtRisk(rets, 0.95),
      var99: valueAtRisk(rets, 0.99),
      correlation: correlationMatrix(r.closes, held.length > 1 ? held : r.symbols),
      concentration: {
        latestHhi: latest.hhi,
        latestEffectiveN: latest.effectiveN,
        averageHhi: hhis.length ? hhis.reduce((a, b) => a + b, 0) / hhis.length : 0,
      },
      stress: stressScenarios(r.equity, r.closes, last?.weights ?? {}),
    },
    curves: { buyAndHoldBtc: btc, equalWeight: ew },
    dataQuality: r.dataQuality,
    stale: { afterBars: r.staleAfterBars, events: r.stale },
  };
}

/**
 * Where metrics and benchmarks start: the first step closing at or after the requested start,
 * else the first decision (else the first step).
 */
export function analysisStart(r: BacktestResult): number {
  if (r.requestedStart !== null) {
    const p = r.equity.find((e) => e.time >= r.requestedStart!);
    if (p) return p.time;
  }
  return r.decisions[0]?.timestamp ?? r.equity[0]!.time;
}

import { ConfigError } from "../engine/errors.js";
import type { ScoreProvider } from "../strategy/ScoreProvider.js";
import type { StrategyConfig } from "../strategy/StrategyConfig.js";
import { TIMEFRAME_MS } from "../types/market.js";
import type { CandleSeries } from "../types/market.js";
import type { StaleEvent } from "./BacktestResult.js";
import type { ExecutionConfig } from "./ExecutionConfig.js";
import { computeMetrics } from "./metrics/computeMetrics.js";
import type { PerformanceMetrics } from "./metrics/computeMetrics.js";
import { runBacktest } from "./runBacktest.js";

export interface WalkForwardCandidate<P> {
  readonly label: string;
  readonly params: P;
}

export interface WalkForwardOptions<P> {
  readonly series: readonly CandleSeries[];
  readonly candidates: readonly WalkForwardCandidate<P>[];
  readonly makeProvider: (params: P) => ScoreProvider;
  readonly strategy: StrategyConfig;
  readonly execution: ExecutionConfig;
  readonly seed: number;
  /** In-sample length in days, then out-of-sample length in days; folds roll by the test length. */
  readonly trainDays: number;
  readonly testDays: number;
  readonly from?: number;
  readonly to?: number;
  /** See `BacktestOptions.staleAfterBars`. */
  readonly staleAfterBars?: number;
  readonly onFold?: (done: number, total: number) => void;
}

export interface WalkForwardFold {
  readonly trainFrom: number;
  readonly testFrom: number;
  readonly testTo: number;
  readonly chosen: string;
  readonly inSampleSharpe: number | null;
  readonly outOfSample: PerformanceMetrics;
}

export interface WalkForwardResult {
  /** Assets that stopped trading inside an out-of-sample window, per fold (written down there). */
  readonly stale: readonly StaleEvent[];
  readonly folds: readonly WalkForwardFold[];
  /** Out-of-sample equity stitched across folds (each fold compounds on the previous). */
  readonly equity: ReadonlyArray<{ readonly time: number; readonly equity: number }>;
  readonly outOfSample: PerformanceMetrics;
}

/**
 * Rolling walk-forward: on each fold, backtest every candidate on the in-sample window, keep the
 * best Sharpe, then backtest that candidate on the following out-of-sample window (warm-up data
 * before it is used for indicators only). All runs go through the same kernel as `backtest`.
 */
export async function walkForward<P>(o: WalkForwardOptions<P>): Promise<WalkForwardResult> {
  if (o.candidates.length === 0) throw new ConfigError("walk-forward needs at least one candidate");
  const tf = o.series[0]!.timeframe;
  const barMs = TIMEFRAME_MS[tf];
  const day = 86_400_000;
  const first = Math.min(...o.series.map((s) => s.candles[0]!.timestamp));
  const last = Math.max(...o.series.map((s) => s.candles.at(-1)!.timestamp));
  const from = o.from ?? first;
  const to = Math.min(o.to ?? last, last);
  const warmBars =
    Math.max(
      ...o.candidates.map((c) => o.makeProvider(c.params).lookback),
      o.strategy.covarianceLookback + 1,
    ) + 1;
  const folds: WalkForwardFold[] = [];
  const stitched: Array<{ time: number; equity: number }> = [];
  const starts: number[] = [];
  for (let t = from + (o.trainDays + 0) * day; t + o.testDays * day <= to + barMs; t += o.testDays * day)
    starts.push(t);
  if (starts.length === 0)
    throw new ConfigError(`no fold fits: ${o.trainDays}+${o.testDays} days exceed the data range`, {
      hint: "shorten --train/--test or widen --from/--to",
    });
  const slice = (a: number, b: number) =>
    o.series
      .map((s) => ({
        ...s,
        candles: s.candles.filter((c) => c.timestamp >= a - warmBars * barMs && c.timestamp < b),
      }))
      .filter((s) => s.candles.length > 0);
  const run = (p: P, a: number, b: number) =>
    runBacktest({
      series: slice(a, b),
      provider: o.makeProvider(p),
      strategy: o.strategy,
      execution: o.execution,
      seed: o.seed,
      start: a,
      ...(o.staleAfterBars === undefined ? {} : { staleAfterBars: o.staleAfterBars }),
    });
  let capital = o.execution.initialCapital;
  const stale: StaleEvent[] = [];
  for (let f = 0; f < starts.length; f++) {
    const testFrom = starts[f]!;
    const trainFrom = testFrom - o.trainDays * day;
    const testTo = testFrom + o.testDays * day;
    let best: { c: WalkForwardCandidate<P>; sharpe: number | null } | null = null;
    for (const c of o.candidates) {
      const r = await run(c.params, trainFrom, testFrom);
      const pts = r.equity.filter((p) => p.time >= trainFrom);
      const m = computeMetrics({
        times: pts.map((p) => p.time),
        equity: pts.map((p) => p.equity),
        periodsPerYear: r.periodsPerYear,
      });
      if (!best || (m.sharpe ?? -Infinity) > (best.sharpe ?? -Infinity)) best = { c, sharpe: m.sharpe };
    }
    const r = await run(best!.c.params, testFrom, testTo);
    for (const e of r.stale)
      if (!stale.some((x) => x.symbol === e.symbol && x.staleFrom === e.staleFrom)) stale.push(e);
    const pts = r.equity.filter((p) => p.time >= testFrom);
    const oos = computeMetrics({
      times: pts.map((p) => p.time),
      equity: pts.map((p) => p.equity),
      periodsPerYear: r.periodsPerYear,
      fills: r.fills,
    });
    const base = pts[0]?.equity ?? 1;
    for (const p of pts) stitched.push({ time: p.time, equity: (capital * p.equity) / base });
    capital = stitched.at(-1)?.equity ?? capital;
    folds.push({
      trainFrom,
      testFrom,
      testTo,
      chosen: best!.c.label,
      inSampleSharpe: best!.sharpe,
      outOfSample: oos,
    });
    o.onFold?.(f + 1, starts.length);
  }
  const periodsPerYear = (365 * day) / barMs;
  return {
    stale,
    folds,
    equity: stitched,
    outOfSample: computeMetrics({
      times: stitched.map((p) => p.time),
      equity: stitched.map((p) => p.equity),
      periodsPerYear,
    }),
  };
}

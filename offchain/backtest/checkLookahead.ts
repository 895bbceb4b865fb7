import { canonicalJson } from "../runlog/canonicalJson.js";
import type { ScoreProvider } from "../strategy/ScoreProvider.js";
import type { StrategyConfig } from "../strategy/StrategyConfig.js";
import type { Decision, RunLogRecord } from "../types/decision.js";
import { TIMEFRAME_MS } from "../types/market.js";
import type { CandleSeries } from "../types/market.js";
import type { ExecutionConfig } from "./ExecutionConfig.js";
import { runBacktest } from "./runBacktest.js";

export interface LookaheadCheckOptions {
  readonly series: readonly CandleSeries[];
  /** Builds the provider from the data it is allowed to know (full or truncated). */
  readonly makeProvider: (series: readonly CandleSeries[]) => ScoreProvider;
  readonly strategy: StrategyConfig;
  readonly execution: ExecutionConfig;
  readonly seed: number;
  readonly start?: number;
  /** How many decisions to re-check, spread evenly over the run (default 8). */
  readonly samples?: number;
}

export interface LookaheadMismatch {
  readonly time: number;
  /** Decision fields that differ: scores, weights, inputsHash, … */
  readonly fields: readonly string[];
}

export interface LookaheadReport {
  readonly ok: boolean;
  readonly checked: number;
  readonly mismatches: readonly LookaheadMismatch[];
}

const COMPARED = [
  "scores",
  "weights",
  "estimatedReturn",
  "inputsHash",
  "optimizerMeta",
  "featuresVersion",
  "models",
] as const;

/**
 * Lookahead check (Freqtrade's lookahead-analysis, applied to the whole pipeline): run the
 * backtest on the full data, then for sampled decision times t re-run it with every series cut at
 * t (only candles closed by t exist, and the provider is rebuilt from that cut data) and compare
 * the decision at t field by field. Anything that differs could only have come from data after t.
 *
 * @example
 * const r = await checkLookahead({ series, makeProvider: () => movingAverageMomentum(), strategy, execution, seed: 1 });
 * r.ok; // true for an honest provider
 */
export async function checkLookahead(o: LookaheadCheckOptions): Promise<LookaheadReport> {
  const run = (series: readonly CandleSeries[]) =>
    runBacktest({
      series,
      provider: o.makeProvider(series),
      strategy: o.strategy,
      execution: o.execution,
      seed: o.seed,
      start: o.start,
    });
  const full = await run(o.series);
  const n = full.decisions.length;
  const samples = Math.min(n, o.samples ?? 8);
  const picks = [
    ...new Set(Array.from({ length: samples }, (_, i) => Math.floor(((i + 1) * (n - 1)) / samples))),
  ];
  const barMs = TIMEFRAME_MS[o.series[0]!.timeframe];
  const mismatches: LookaheadMismatch[] = [];
  for (const i of picks) {
    const d = full.decisions[i]!;
    const cut = o.series
      .map((s) => ({ ...s, candles: s.candles.filter((c) => c.timestamp + barMs <= d.timestamp) }))
      .filter((s) => s.candles.length > 0);
    const again = (await run(cut)).decisions.find((x) => x.timestamp === d.timestamp);
    const fields = again ? diffFields(d, again) : ["(no decision at this time on truncated data)"];
    if (fields.length > 0) mismatches.push({ time: d.timestamp, fields });
  }
  return { ok: mismatches.length === 0, checked: picks.length, mismatches };
}

function diffFields(a: RunLogRecord | Decision, b: RunLogRecord | Decision): string[] {
  return COMPARED.filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k]));
}

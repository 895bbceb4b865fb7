import { optimizePortfolio } from "../optimizer/optimizePortfolio.js";
import type { OptimizerMeta } from "../optimizer/optimizePortfolio.js";
import { hashInputs } from "../engine/hashInputs.js";
import type { Decision } from "../types/decision.js";
import { applyKillSwitch } from "./applyKillSwitch.js";
import { KillLevel } from "./KillLevel.js";
import type { MarketHistory, ScoreProvider } from "./ScoreProvider.js";
import type { StrategyConfig } from "./StrategyConfig.js";

export interface DecideContext {
  readonly runId: string;
  readonly seed: number;
  /** Current position weights (signed fraction of equity), for the kill-switch clamp. */
  readonly held: Readonly<Record<string, number>>;
  readonly killLevel: KillLevel;
  /** Bars per year of the timeframe (365 for 1d, 8760 for 1h): annualises the volatility target. */
  readonly periodsPerYear: number;
  /** Milliseconds clock for the optimizer's latency figures (the injected engine clock). */
  readonly clock: () => number;
}

/**
 * One decision, the whole of the strategy's logic: scores → direction filter → optimizer →
 * position sizing → kill-switch clamp → `Decision`. Pure given its arguments (history truncated at
 * decision time, provider, config, seed, clock), so it can be re-run by an oracle node or by the
 * lookahead checker and must give the same bytes.
 *
 * @example
 * const d = await decideTargets(history, movingAverageMomentum(), parseStrategyConfig(), ctx);
 * d.weights; // { "ETH/USDT": 0.333, "SOL/USDT": 0.333, "BNB/USDT": 0.333 }
 */
export async function decideTargets(
  history: MarketHistory,
  provider: ScoreProvider,
  config: StrategyConfig,
  ctx: DecideContext,
): Promise<Decision> {
  const scored = (await provider.score(history)).filter((s) => Number.isFinite(s.score));
  scored.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const scores: Record<string, number> = {};
  for (const s of scored) scores[s.symbol] = s.score;

  const L = config.covarianceLookback;
  const want = (s: number): boolean =>
    config.mode === "long-only" ? s > 0 : config.mode === "short-only" ? s < 0 : s !== 0;
  const candidates = scored.filter((s) => want(s.score) && (history.candles[s.symbol]?.length ?? 0) >= L + 1);

  let weights: Record<string, number> = {};
  let estimatedReturn = 0;
  let optimizerMeta: OptimizerMeta | null = null;
  if (candidates.length > 0) {
    const assets = candidates.map((c) => c.symbol);
    const returns = returnsMatrix(history, assets, L);
    const flip = config.mode === "short-only" ? -1 : 1;
    const choice = await optimizePortfolio(
      {
        assets,
        scores: candidates.map((c) => flip * c.score),
        returns,
        k: Math.min(config.k, assets.length),
        beta: config.riskAversion,
        mode: config.mode === "long-short" ? "long-short" : "long-only",
      },
      {
        solver: config.solver,
        topN: config.topN,
        seed: ctx.seed,
        clock: ctx.clock,
        weighting: config.weighting,
        latencyBudgetMs: 10_000,
      },
    );
    optimizerMeta = choice.optimizer_meta;
    const raw: Record<string, number> = {};
    choice.assets.forEach((a, i) => {
      const w = flip * choice.weights[i]!;
      if (w !== 0) raw[a] = w;
    });
    const scale = sizingScale(config, raw, returns, assets, choice, ctx.periodsPerYear);
    const cap = config.maxWeight ?? Number.POSITIVE_INFINITY;
    for (const [a, w] of Object.entries(raw)) raw[a] = Math.sign(w) * Math.min(Math.abs(w * scale), cap);
    // Positions in assets with no bar now cannot be traded at this decision: they stay in the book
    // until they trade again, so they use up part of the gross limit the new weights may take.
    const locked = Object.entries(ctx.held)
      .filter(([a]) => !history.symbols.includes(a))
      .reduce((g, [, w]) => g + Math.abs(w), 0);
    const room = Math.max(0, maxGrossOf(config) - locked);
    const g = gross(raw);
    if (g > room) for (const a of Object.keys(raw)) raw[a] = g > 0 ? (raw[a]! * room) / g : 0;
    weights = applyKillSwitch(ctx.held, raw, ctx.killLevel);
    // Return forecast in return units (the optimizer's μ is a rescaled score, not a forecast):
    // the trailing mean per-bar return of each held asset (the momentum premise, drift persists),
    // times the holding period.
    assets.forEach((a, j) => {
      const w = weights[a];
      if (!w) return;
      let mean = 0;
      for (const row of returns) mean += row[j]! / returns.length;
      estimatedReturn += w * mean * config.rebalanceEvery;
    });
  } else if (ctx.killLevel !== KillLevel.Normal) {
    weights = applyKillSwitch(ctx.held, {}, ctx.killLevel);
  }

  const inputsHash = hashInputs({
    history,
    featuresVersion: provider.featuresVersion,
    models: [provider.model],
    parameters: { strategy: config, killLevel: ctx.killLevel, held: ctx.held },
    seed: ctx.seed,
  });
  return {
    runId: ctx.runId,
    timestamp: history.time,
    seed: ctx.seed,
    inputsHash,
    featuresVersion: provider.featuresVersion,
    models: [provider.model],
    scores,
    weights,
    estimatedReturn,
    optimizerMeta,
  };
}

/** The gross exposure the sizing allows (fraction of equity). */
function maxGrossOf(config: StrategyConfig): number {
  return config.sizing.kind === "fixed" ? config.sizing.gross : config.sizing.maxGross;
}

function gross(w: Readonly<Record<string, number>>): number {
  let g = 0;
  for (const v of Object.values(w)) g += Math.abs(v);
  return g;
}

/** T×n simple close-to-close returns over the last L bars of each asset. */
function returnsMatrix(history: MarketHistory, assets: readonly string[], L: number): number[][] {
  const out: number[][] = Array.from({ length: L }, () => new Array<number>(assets.length));
  assets.forEach((a, j) => {
    const c = history.candles[a]!;
    const base = c.length - L - 1;
    for (let t = 0; t < L; t++) out[t]![j] = c[base + t + 1]!.close / c[base + t]!.close - 1;
  });
  return out;
}

function sizingScale(
  config: StrategyConfig,
  w: Readonly<Record<string, number>>,
  returns: readonly (readonly number[])[],
  assets: readonly string[],
  choice: { readonly expectedReturn: number; readonly risk: number },
  periodsPerYear: number,
): number {
  const g = gross(w);
  if (g === 0) return 0;
  const s = config.sizing;
  if (s.kind === "fixed") return s.gross / g;
  if (s.kind === "kelly") {
    // Kelly leverage μ/σ² of the chosen portfolio, a fraction of it, capped: full Kelly on noisy
    // estimates overbets badly.
    const kelly = choice.risk > 0 ? (s.fraction * choice.expectedReturn) / choice.risk : 0;
    return Math.max(0, Math.min(kelly, s.maxGross / g));
  }
  // Volatility target from the sample covariance of the window.
  const idx = assets.map((a) => w[a] ?? 0);
  let sum = 0;
  let sum2 = 0;
  for (const row of returns) {
    let r = 0;
    for (let j = 0; j < idx.length; j++) r += idx[j]! * row[j]!;
    sum += r;
    sum2 += r * r;
  }
  const T = returns.length;
  const variance = T > 1 ? Math.max(0, (sum2 - (sum * sum) / T) / (T - 1)) : 0;
  const annual = Math.sqrt(variance * periodsPerYear);
  const cap = s.maxGross / g;
  return annual > 0 ? Math.min(cap, s.annualVol / annual) : cap;
}

import type { SolverName } from "../optimizer/optimizePortfolio.js";
import { ConfigError } from "../engine/errors.js";

export type DirectionMode = "long-only" | "short-only" | "long-short";

export type SizingConfig =
  /** Optimizer weights scaled to `gross` (sum of |w|). */
  | { readonly kind: "fixed"; readonly gross: number }
  /** Scale so the predicted annualised portfolio volatility is `annualVol`, gross ≤ maxGross. */
  | { readonly kind: "vol-target"; readonly annualVol: number; readonly maxGross: number }
  /** Capped fractional Kelly: gross = fraction·μ/σ² of the chosen portfolio, clamped to [0, maxGross]. */
  | { readonly kind: "kelly"; readonly fraction: number; readonly maxGross: number };

/**
 * Kill-switch thresholds (fractions, null = off), mirroring the on-chain levels and semantics:
 * drawdown from the high-water mark ≥ noNewEntriesDrawdown → NoNewEntries; loss within the UTC day
 * ≥ reduceOnlyDailyLoss → ReduceOnly; drawdown ≥ flattenDrawdown → Flatten. Levels only rise, as
 * on chain; `resetAfterBars` simulates governance re-arming the switch that many bars after a trip
 * (null = never, the on-chain default).
 */
export interface KillSwitchConfig {
  readonly noNewEntriesDrawdown: number | null;
  readonly reduceOnlyDailyLoss: number | null;
  readonly flattenDrawdown: number | null;
  readonly resetAfterBars: number | null;
}

/** Everything the kernel's decision depends on besides data, provider and seed. Frozen. */
export interface StrategyConfig {
  readonly mode: DirectionMode;
  /** Assets held after each rebalance (fewer when fewer have a score of the right sign). */
  readonly k: number;
  /** Candidates passed to the optimizer after the |score| filter. */
  readonly topN: number;
  readonly solver: SolverName;
  /** Risk aversion β of the optimizer objective α·return − β·risk. */
  readonly riskAversion: number;
  readonly weighting: "equal" | "mean-variance";
  /** Decide every this many bars. */
  readonly rebalanceEvery: number;
  /** Bars of returns used for covariance (optimizer risk, volatility target). */
  readonly covarianceLookback: number;
  readonly sizing: SizingConfig;
  /** Stop-loss distance from the entry price as a fraction (0.1 = 10 %), null = none. */
  readonly stopLoss: number | null;
  readonly takeProfit: number | null;
  readonly killSwitch: KillSwitchConfig;
  /** Skip trades smaller than this fraction of equity (avoids churning on drift). */
  readonly minTradeFraction: number;
  /**
   * Cap on each asset's |weight| (the on-chain policy's per-asset max weight), the excess left in
   * cash: a decision the risk policy would reject is not worth proposing. null = no cap.
   */
  readonly maxWeight: number | null;
}

export const DEFAULT_STRATEGY_CONFIG: StrategyConfig = Object.freeze({
  mode: "long-only",
  k: 3,
  topN: 8,
  solver: "exact",
  riskAversion: 1,
  weighting: "equal",
  rebalanceEvery: 7,
  covarianceLookback: 60,
  sizing: Object.freeze({ kind: "fixed", gross: 1 }),
  stopLoss: null,
  takeProfit: null,
  killSwitch: Object.freeze({
    noNewEntriesDrawdown: null,
    reduceOnlyDailyLoss: null,
    flattenDrawdown: null,
    resetAfterBars: null,
  }),
  minTradeFraction: 0.001,
  maxWeight: null,
}) as StrategyConfig;

type Raw = Record<string, unknown>;

/**
 * Validates a partial config against the defaults: unknown keys and out-of-range values are
 * errors, the result is deeply frozen.
 *
 * @example
 * const cfg = parseStrategyConfig({ k: 4, mode: "long-short", sizing: { kind: "vol-target", annualVol: 0.3, maxGross: 1 } });
 */
export function parseStrategyConfig(raw: unknown = {}): StrategyConfig {
  const r = asObject(raw, "strategy config");
  rejectUnknown(r, Object.keys(DEFAULT_STRATEGY_CONFIG), "strategy config");
  const d = DEFAULT_STRATEGY_CONFIG;
  const mode = (r.mode ?? d.mode) as DirectionMode;
  if (!["long-only", "short-only", "long-short"].includes(mode))
    throw new ConfigError(`mode must be long-only, short-only or long-short, got "${String(mode)}"`);
  const solver = (r.solver ?? d.solver) as SolverName;
  if (!["qaoa", "vqe", "exact", "annealing", "greedy"].includes(solver))
    throw new ConfigError(`solver must be exact, greedy, annealing, qaoa or vqe, got "${String(solver)}"`);
  const weighting = (r.weighting ?? d.weighting) as StrategyConfig["weighting"];
  if (weighting !== "equal" && weighting !== "mean-variance")
    throw new ConfigError(`weighting must be equal or mean-variance, got "${String(weighting)}"`);
  const ks = asObject(r.killSwitch ?? {}, "killSwitch");
  rejectUnknown(ks, Object.keys(d.killSwitch), "killSwitch");
  const cfg: StrategyConfig = {
    mode,
    k: int(r.k ?? d.k, "k", 1),
    topN: int(r.topN ?? d.topN, "topN", 1),
    solver,
    riskAversion: num(r.riskAversion ?? d.riskAversion, "riskAversion", 0, 1e6),
    weighting,
    rebalanceEvery: int(r.rebalanceEvery ?? d.rebalanceEvery, "rebalanceEvery", 1),
    covarianceLookback: int(r.covarianceLookback ?? d.covarianceLookback, "covarianceLookback", 2),
    sizing: parseSizing(r.sizing ?? d.sizing),
    stopLoss: optFraction(r.stopLoss === undefined ? d.stopLoss : r.stopLoss, "stopLoss"),
    takeProfit: optPositive(r.takeProfit === undefined ? d.takeProfit : r.takeProfit, "takeProfit"),
    killSwitch: Object.freeze({
      noNewEntriesDrawdown: optFraction(ks.noNewEntriesDrawdown ?? null, "killSwitch.noNewEntriesDrawdown"),
      reduceOnlyDailyLoss: optFraction(ks.reduceOnlyDailyLoss ?? null, "killSwitch.reduceOnlyDailyLoss"),
      flattenDrawdown: optFraction(ks.flattenDrawdown ?? null, "killSwitch.flattenDrawdown"),
      resetAfterBars:
        ks.resetAfterBars === undefined || ks.resetAfterBars === null
          ? null
          : int(ks.resetAfterBars, "killSwitch.resetAfterBars", 1),
    }),
    minTradeFraction: num(r.minTradeFraction ?? d.minTradeFraction, "minTradeFraction", 0, 1),
    maxWeight: r.maxWeight === undefined || r.maxWeight === null ? null : num(r.maxWeight, "maxWeight", 0, 1),
  };
  if (cfg.topN < cfg.k) throw new ConfigError(`topN (${cfg.topN}) must be ≥ k (${cfg.k})`);
  return Object.freeze(cfg);
}

function parseSizing(raw: unknown): SizingConfig {
  const s = asObject(raw, "sizing");
  switch (s.kind) {
    case "fixed":
      rejectUnknown(s, ["kind", "gross"], "sizing");
      return Object.freeze({ kind: "fixed", gross: num(s.gross ?? 1, "sizing.gross", 0, 10) });
    case "vol-target":
      rejectUnknown(s, ["kind", "annualVol", "maxGross"], "sizing");
      return Object.freeze({
        kind: "vol-target",
        annualVol: num(s.annualVol ?? 0.4, "sizing.annualVol", 1e-6, 10),
        maxGross: num(s.maxGross ?? 1, "sizing.maxGross", 0, 10),
      });
    case "kelly":
      rejectUnknown(s, ["kind", "fraction", "maxGross"], "sizing");
      return Object.freeze({
        kind: "kelly",
        fraction: num(s.fraction ?? 0.5, "sizing.fraction", 0, 1),
        maxGross: num(s.maxGross ?? 1, "sizing.maxGross", 0, 10),
      });
    default:
      throw new ConfigError(`sizing.kind must be fixed, vol-target or kelly, got "${String(s.kind)}"`);
  }
}

function asObject(raw: unknown, what: string): Raw {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw))
    throw new ConfigError(`${what} must be an object`);
  return raw as Raw;
}

function rejectUnknown(r: Raw, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(r))
    if (!allowed.includes(key))
      throw new ConfigError(`unknown key "${key}" in ${what}; allowed: ${allowed.join(", ")}`);
}

function num(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max)
    throw new ConfigError(`${name} must be a number in [${min}, ${max}], got ${String(v)}`);
  return v;
}

function int(v: unknown, name: string, min: number): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min)
    throw new ConfigError(`${name} must be an integer ≥ ${min}, got ${String(v)}`);
  return v;
}

function optFraction(v: unknown, name: string): number | null {
  if (v === null) return null;
  if (typeof v !== "number" || !(v > 0 && v < 1))
    throw new ConfigError(`${name} must be a fraction in (0, 1) or null, got ${String(v)}`);
  return v;
}

function optPositive(v: unknown, name: string): number | null {
  if (v === null) return null;
  if (typeof v !== "number" || !(v > 0 && v <= 100))
    throw new ConfigError(`${name} must be a positive fraction (0.2 = 20 %) or null, got ${String(v)}`);
  return v;
}

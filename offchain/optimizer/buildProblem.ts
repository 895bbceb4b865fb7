import { InfeasibleProblemError, OptimizerInputError } from "./errors.js";
import { shrinkCovariance } from "./shrinkCovariance.js";
import type { IndexGroup, PortfolioMode, SelectionProblem } from "./types.js";

export interface AssetGroupInput {
  readonly name: string;
  readonly assets: readonly string[];
  readonly max: number;
}

export interface PortfolioInput {
  readonly assets: readonly string[];
  /** Model score per asset; any finite real, sign is direction. */
  readonly scores: readonly number[];
  /** T×n periodic returns, columns in the order of `assets`. */
  readonly returns: readonly (readonly number[])[];
  /** Number of assets to hold. */
  readonly k: number;
  /** Weight on expected return (default 1). */
  readonly alpha?: number;
  /** Weight on risk (variance of the equal-weight portfolio, default 1). */
  readonly beta?: number;
  readonly mode?: PortfolioMode;
  readonly forceIn?: readonly string[];
  readonly forceOut?: readonly string[];
  readonly groups?: readonly AssetGroupInput[];
  /**
   * Expected return of the asset with the largest |score|. Defaults to the mean per-period
   * volatility, so return and risk terms have comparable size whatever the score units.
   */
  readonly returnScale?: number;
}

export interface PortfolioProblem {
  readonly assets: readonly string[];
  readonly mode: PortfolioMode;
  /** +1/-1 per asset: position direction (always +1 in long-only mode). */
  readonly signs: Int8Array;
  /** Expected return of a unit position in the asset's direction. */
  readonly expectedReturns: Float64Array;
  /** Covariance of unit positions in each asset's direction (S·Σ·S), row-major n×n. */
  readonly covariance: Float64Array;
  readonly shrinkage: number;
  /** Expected return given to the largest |score| (see PortfolioInput.returnScale). */
  readonly returnScale: number;
  readonly alpha: number;
  readonly beta: number;
  readonly selection: SelectionProblem;
  /** What was repaired in the input (e.g. zero-variance assets given a variance floor), for the user. */
  readonly warnings: readonly string[];
}

/** A column whose standard deviation is below this fraction of the largest one counts as constant. */
const CONSTANT_RETURNS_RATIO = 1e-9;

/**
 * Turns scores and a returns history into the selection problem: maximise
 * α·μ'ᵀw − β·wᵀΣ'w over equal weights w = x/k, i.e. minimise
 * cost(x) = −(α/k)·μ'ᵀx + (β/k²)·xᵀΣ'x, subject to budget, bounds and group limits.
 * An asset whose returns are constant over the history (no trading, filled gaps, a stale feed)
 * has no measured risk, which is not the same as no risk: it gets the largest variance among the
 * other assets and zero correlation, and a line in `warnings` says so. If every asset is constant
 * there is no risk information at all: the risk term stays zero (it could not rank the assets
 * anyway) and a warning says the choice follows the scores alone.
 *
 * @example
 * const p = buildProblem({ assets: ["BTC", "ETH", "SOL"], scores: [0.4, -0.1, 0.2], returns, k: 2 });
 */
export function buildProblem(input: PortfolioInput): PortfolioProblem {
  const { assets, scores, returns, k } = input;
  const n = assets.length;
  if (n === 0) throw new OptimizerInputError("assets is empty: pass at least one asset");
  const index = new Map<string, number>();
  assets.forEach((a, i) => {
    if (index.has(a))
      throw new OptimizerInputError(`asset "${a}" appears twice in assets; names must be unique`);
    index.set(a, i);
  });
  if (scores.length !== n)
    throw new OptimizerInputError(
      `scores has ${scores.length} entries but assets has ${n}; pass one per asset`,
    );
  scores.forEach((s, i) => {
    if (!Number.isFinite(s))
      throw new OptimizerInputError(`score for "${assets[i]}" is ${s}; scores must be finite numbers`);
  });
  if (!Number.isInteger(k) || k < 1 || k > n)
    throw new OptimizerInputError(`k must be an integer in [1, ${n}] (number of assets), got ${k}`);
  const alpha = input.alpha ?? 1;
  const beta = input.beta ?? 1;
  if (!Number.isFinite(alpha) || alpha < 0) throw new OptimizerInputError(`alpha must be ≥ 0, got ${alpha}`);
  if (!Number.isFinite(beta) || beta < 0) throw new OptimizerInputError(`beta must be ≥ 0, got ${beta}`);
  const mode: PortfolioMode = input.mode ?? "long-only";
  if (mode !== "long-only" && mode !== "long-short")
    throw new OptimizerInputError(`mode must be "long-only" or "long-short", got "${String(mode)}"`);
  if (returns.length > 0 && returns[0]!.length !== n)
    throw new OptimizerInputError(`returns has ${returns[0]!.length} columns but assets has ${n}`);

  const { covariance: cov, shrinkage } = shrinkCovariance(returns);
  const warnings: string[] = [];
  // Constant columns: exactly flat (up to rounding of the values themselves), or with a standard
  // deviation negligible next to the most volatile asset's.
  let maxSd = 0;
  for (let i = 0; i < n; i++) maxSd = Math.max(maxSd, Math.sqrt(cov[i * n + i]!));
  const isConstant = (i: number): boolean => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const row of returns) [lo, hi] = [Math.min(lo, row[i]!), Math.max(hi, row[i]!)];
    const flat = hi - lo <= 1e-12 * Math.max(Math.abs(lo), Math.abs(hi));
    return flat || !(Math.sqrt(cov[i * n + i]!) > CONSTANT_RETURNS_RATIO * maxSd);
  };
  const constant: number[] = [];
  for (let i = 0; i < n; i++) if (isConstant(i)) constant.push(i);
  if (constant.length === n) {
    // No asset moves: risk is unknown but equal for all, so it cannot rank them; say so.
    warnings.push(
      `no asset's returns vary over ${returns.length} periods (constant or missing history): ` +
        `the risk term is zero and the choice follows the scores alone`,
    );
    constant.length = 0;
  }
  let maxVar = 0;
  for (let i = 0; i < n; i++) if (!constant.includes(i)) maxVar = Math.max(maxVar, cov[i * n + i]!);
  for (const i of constant) {
    for (let j = 0; j < n; j++) if (j !== i) cov[i * n + j] = cov[j * n + i] = 0;
    cov[i * n + i] = maxVar;
    warnings.push(
      `${assets[i]}: returns have zero variance over ${returns.length} periods (constant or missing history); ` +
        `risk floored to the largest variance among the assets (${maxVar.toExponential(3)}), not treated as riskless`,
    );
  }

  const signs = new Int8Array(n);
  for (let i = 0; i < n; i++) signs[i] = mode === "long-short" && scores[i]! < 0 ? -1 : 1;

  let maxAbs = 0;
  for (const s of scores) maxAbs = Math.max(maxAbs, Math.abs(s));
  let meanVol = 0;
  for (let i = 0; i < n; i++) meanVol += Math.sqrt(cov[i * n + i]!) / n;
  const scale = input.returnScale ?? meanVol;
  if (!Number.isFinite(scale) || scale < 0)
    throw new OptimizerInputError(`returnScale must be a finite number ≥ 0, got ${scale}`);

  const mu = new Float64Array(n);
  for (let i = 0; i < n; i++) mu[i] = maxAbs > 0 ? (signs[i]! * scores[i]! * scale) / maxAbs : 0;
  const sigma = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) sigma[i * n + j] = signs[i]! * signs[j]! * cov[i * n + j]!;

  const fixed = new Int8Array(n).fill(-1);
  const resolve = (name: string, what: string): number => {
    const i = index.get(name);
    if (i === undefined) throw new OptimizerInputError(`${what} names unknown asset "${name}"`);
    return i;
  };
  for (const a of input.forceIn ?? []) fixed[resolve(a, "forceIn")] = 1;
  for (const a of input.forceOut ?? []) {
    const i = resolve(a, "forceOut");
    if (fixed[i] === 1) throw new OptimizerInputError(`asset "${a}" is in both forceIn and forceOut`);
    fixed[i] = 0;
  }
  let forcedIn = 0;
  let available = 0;
  for (let i = 0; i < n; i++) {
    if (fixed[i] === 1) forcedIn++;
    if (fixed[i] !== 0) available++;
  }
  if (forcedIn > k)
    throw new InfeasibleProblemError(
      `${forcedIn} assets are forced in but k = ${k}; raise k or force fewer in`,
    );
  if (available < k)
    throw new InfeasibleProblemError(`only ${available} assets are not forced out but k = ${k}; lower k`);

  const groups: IndexGroup[] = (input.groups ?? []).map((g) => {
    if (!Number.isInteger(g.max) || g.max < 0)
      throw new OptimizerInputError(`group "${g.name}" max must be an integer ≥ 0, got ${g.max}`);
    const members = [...new Set(g.assets.map((a) => resolve(a, `group "${g.name}"`)))];
    const forced = members.filter((m) => fixed[m] === 1).length;
    if (forced > g.max)
      throw new InfeasibleProblemError(
        `group "${g.name}" allows ${g.max} assets but ${forced} of its members are forced in`,
      );
    return { name: g.name, members, max: g.max };
  });

  const linear = new Float64Array(n);
  const quadratic = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    linear[i] = (-alpha * mu[i]!) / k + (beta * sigma[i * n + i]!) / (k * k);
    for (let j = 0; j < n; j++) if (j !== i) quadratic[i * n + j] = (2 * beta * sigma[i * n + j]!) / (k * k);
  }
  return {
    assets: [...assets],
    mode,
    signs,
    expectedReturns: mu,
    covariance: sigma,
    shrinkage,
    returnScale: scale,
    alpha,
    beta,
    selection: { n, k, linear, quadratic, fixed, groups },
    warnings,
  };
}

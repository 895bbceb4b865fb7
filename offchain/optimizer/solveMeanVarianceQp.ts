import { solveQP } from "quadprog";
import { InfeasibleProblemError, OptimizerError, OptimizerInputError } from "./errors.js";
import type { PortfolioProblem } from "./buildProblem.js";

export interface QpOptions {
  /** Restrict to these asset indices (e.g. the selected portfolio); default all. */
  readonly subset?: readonly number[];
  /** Per-position lower bound on |weight| (default 0). */
  readonly minWeight?: number;
  /** Per-position upper bound on |weight| (default 1). */
  readonly maxWeight?: number;
  /** Gross exposure Σ|w| (default 1). */
  readonly budget?: number;
}

export interface QpResult {
  /** Signed weight per asset of the problem (0 outside the subset). */
  readonly weights: Float64Array;
  /** α·μ'ᵀv − β·vᵀΣ'v at the solution. */
  readonly objective: number;
}

/**
 * Continuous mean-variance weights: maximise α·μ'ᵀv − β·vᵀΣ'v subject to Σv = budget and
 * minWeight ≤ v_i ≤ maxWeight, where v are position sizes in each asset's direction (so long-short
 * needs no extra variables: w_i = sign_i·v_i). Solved by Goldfarb–Idnani (npm `quadprog`).
 *
 * @example
 * const { weights } = solveMeanVarianceQp(problem, { subset: chosen, maxWeight: 0.4 });
 */
export function solveMeanVarianceQp(problem: PortfolioProblem, options: QpOptions = {}): QpResult {
  const n = problem.assets.length;
  const subset = options.subset ?? Array.from({ length: n }, (_, i) => i);
  const m = subset.length;
  if (m === 0) throw new OptimizerInputError("subset is empty: pass at least one asset index");
  for (const i of subset)
    if (!Number.isInteger(i) || i < 0 || i >= n)
      throw new OptimizerInputError(`subset index ${i} is out of range [0, ${n})`);
  const lo = options.minWeight ?? 0;
  const hi = options.maxWeight ?? 1;
  const budget = options.budget ?? 1;
  if (!(lo >= 0 && hi >= lo && budget > 0))
    throw new OptimizerInputError(
      `need 0 ≤ minWeight ≤ maxWeight and budget > 0, got ${lo}, ${hi}, ${budget}`,
    );
  if (m * lo > budget + 1e-12 || m * hi < budget - 1e-12)
    throw new InfeasibleProblemError(
      `${m} assets with weights in [${lo}, ${hi}] cannot sum to ${budget}; widen the bounds or change the subset`,
    );
  const { alpha, beta, expectedReturns: mu, covariance: sigma } = problem;
  let trace = 0;
  for (const i of subset) trace += sigma[i * n + i]!;
  // A small ridge keeps D positive definite when β = 0 or Σ' is singular on the subset.
  const ridge = 1e-10 * Math.max(trace / m, 1e-12) + (beta === 0 ? 1e-8 : 0);
  const D: number[][] = [[]];
  const d: number[] = [0];
  for (let a = 0; a < m; a++) {
    const row: number[] = [0];
    for (let b = 0; b < m; b++)
      row.push(2 * beta * sigma[subset[a]! * n + subset[b]!]! + (a === b ? ridge : 0));
    D.push(row);
    d.push(alpha * mu[subset[a]!]!);
  }
  // Constraints as columns of A: [Σv = budget | v ≥ lo | −v ≥ −hi].
  const q = 1 + 2 * m;
  const A: number[][] = [[]];
  for (let a = 0; a < m; a++) {
    const col = new Array<number>(q + 1).fill(0);
    col[1] = 1;
    col[2 + a] = 1;
    col[2 + m + a] = -1;
    A.push(col);
  }
  const b0 = [0, budget, ...new Array<number>(m).fill(lo), ...new Array<number>(m).fill(-hi)];
  const res = solveQP(D, d, A, b0, 1);
  if (res.message || !res.solution)
    throw new OptimizerError(`quadprog failed: ${res.message || "no solution"}`);
  const weights = new Float64Array(n);
  const v = res.solution.slice(1);
  let objective = 0;
  for (let a = 0; a < m; a++) {
    const i = subset[a]!;
    weights[i] = problem.signs[i]! * v[a]!;
    objective += alpha * mu[i]! * v[a]!;
    for (let b = 0; b < m; b++) objective -= beta * v[a]! * sigma[i * n + subset[b]!]! * v[b]!;
  }
  return { weights, objective };
}

import { InfeasibleProblemError, ProblemTooLargeError } from "./errors.js";
import { isFeasible, selectionCost } from "./selectionCost.js";
import type { SelectionProblem, SelectionResult } from "./types.js";

export interface ExactResult extends SelectionResult {
  /** Highest feasible cost: with `cost` it normalises approximation ratios. */
  readonly worstCost: number;
  readonly feasibleCount: number;
}

/** Free assets beyond which enumeration is refused (C(30,15) ≈ 1.5e8 subsets is already slow). */
export const EXACT_MAX_FREE = 30;

/**
 * Exact optimum by enumerating every k-subset of the free assets (Gosper's hack), checking group
 * limits. Ties go to the lexicographically first subset in mask order, so results are stable.
 *
 * @example
 * const { x, cost } = solveExact(problem.selection);
 */
export function solveExact(problem: SelectionProblem): ExactResult {
  const free: number[] = [];
  let forced = 0;
  for (let i = 0; i < problem.n; i++) {
    if (problem.fixed[i] === -1) free.push(i);
    else if (problem.fixed[i] === 1) forced++;
  }
  const m = free.length;
  const kf = problem.k - forced;
  if (m > EXACT_MAX_FREE)
    throw new ProblemTooLargeError(`exact enumeration over ${m} free assets is too slow; use annealing`);
  if (kf < 0 || kf > m) throw new InfeasibleProblemError(`cannot pick ${kf} of ${m} free assets`);
  const x = new Uint8Array(problem.n);
  for (let i = 0; i < problem.n; i++) if (problem.fixed[i] === 1) x[i] = 1;
  let best = Infinity;
  let worst = -Infinity;
  let bestMask = -1;
  let count = 0;
  const limit = 2 ** m;
  let mask = kf === 0 ? 0 : 2 ** kf - 1;
  while (mask < limit) {
    for (let v = 0; v < m; v++) x[free[v]!] = (mask / 2 ** v) & 1;
    if (isFeasible(problem, x)) {
      const c = selectionCost(problem, x);
      count++;
      if (c < best) {
        best = c;
        bestMask = mask;
      }
      if (c > worst) worst = c;
    }
    if (mask === 0) break;
    // Gosper's hack in floating point-safe form for m ≤ 30 (fits in 31-bit ints).
    const c = mask & -mask;
    const r = mask + c;
    mask = (((r ^ mask) >>> 2) / c) | r;
  }
  if (bestMask < 0)
    throw new InfeasibleProblemError("no selection satisfies the budget, bounds and group limits");
  for (let v = 0; v < m; v++) x[free[v]!] = (bestMask >>> v) & 1;
  return { x, cost: best, worstCost: worst, feasibleCount: count };
}

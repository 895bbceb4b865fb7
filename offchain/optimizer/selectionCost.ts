import type { SelectionProblem } from "./types.js";

/**
 * Cost of a 0/1 selection (lower is better); constraints are not checked here, see `isFeasible`.
 *
 * @example
 * selectionCost(problem, Uint8Array.from([1, 0, 1]));
 */
export function selectionCost(problem: SelectionProblem, x: Uint8Array): number {
  const { n, linear, quadratic } = problem;
  let cost = 0;
  for (let i = 0; i < n; i++) {
    if (!x[i]) continue;
    cost += linear[i]!;
    const row = i * n;
    for (let j = i + 1; j < n; j++) if (x[j]) cost += quadratic[row + j]!;
  }
  return cost;
}

/** True when `x` meets the budget, the fixed in/out bounds and every group limit. */
export function isFeasible(problem: SelectionProblem, x: Uint8Array): boolean {
  let count = 0;
  for (let i = 0; i < problem.n; i++) {
    const f = problem.fixed[i]!;
    if (f !== -1 && x[i] !== f) return false;
    count += x[i]!;
  }
  if (count !== problem.k) return false;
  for (const g of problem.groups) {
    let c = 0;
    for (const m of g.members) c += x[m]!;
    if (c > g.max) return false;
  }
  return true;
}

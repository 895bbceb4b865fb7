import { InfeasibleProblemError } from "./errors.js";
import type { SelectionProblem, SelectionResult } from "./types.js";

/**
 * Greedy construction: start from the forced-in assets and repeatedly add the free asset whose
 * marginal cost is lowest without breaking a group limit, until k are held. O(k·n²) worst case;
 * a fast baseline and a feasible reference point for penalty sizing. Throws when it gets stuck
 * (group limits leave no addable asset), which does not prove the problem infeasible.
 *
 * @example
 * const { x, cost } = solveGreedy(problem.selection);
 */
export function solveGreedy(problem: SelectionProblem): SelectionResult {
  const { n, k, linear, quadratic, fixed, groups } = problem;
  const x = new Uint8Array(n);
  const groupCount = groups.map(() => 0);
  const groupsOf: number[][] = Array.from({ length: n }, () => []);
  groups.forEach((g, gi) => g.members.forEach((m) => groupsOf[m]!.push(gi)));
  // marginal[i] = cost added by selecting i given the current selection
  const marginal = Float64Array.from(linear);
  let count = 0;
  let cost = 0;
  const take = (i: number): void => {
    x[i] = 1;
    count++;
    cost += marginal[i]!;
    for (const gi of groupsOf[i]!) groupCount[gi]!++;
    for (let j = 0; j < n; j++) marginal[j]! += quadratic[i * n + j]!;
  };
  for (let i = 0; i < n; i++) if (fixed[i] === 1) take(i);
  while (count < k) {
    let best = -1;
    for (let i = 0; i < n; i++) {
      if (x[i] || fixed[i] === 0) continue;
      if (groupsOf[i]!.some((gi) => groupCount[gi]! >= groups[gi]!.max)) continue;
      if (best < 0 || marginal[i]! < marginal[best]!) best = i;
    }
    if (best < 0)
      throw new InfeasibleProblemError("greedy could not complete a portfolio within the group limits");
    take(best);
  }
  return { x, cost };
}

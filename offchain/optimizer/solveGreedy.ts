import { findFeasibleSelection } from "./findFeasibleSelection.js";
import { isFeasible, selectionCost } from "./selectionCost.js";
import type { SelectionProblem, SelectionResult } from "./types.js";

/**
 * Greedy construction: start from the forced-in assets and repeatedly add the free asset whose
 * marginal cost is lowest without breaking a group limit, until k are held. O(k·n²) worst case;
 * a fast baseline and a feasible reference point for penalty sizing. Greedy is complete for
 * disjoint groups; with overlapping groups it can get stuck (no addable asset left) although a
 * portfolio exists, and then the answer comes from `findFeasibleSelection`, tried in order of
 * linear cost. It throws InfeasibleProblemError only when that exhaustive search proves there is
 * no portfolio.
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
  const complete = (): SelectionResult => {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => linear[a]! - linear[b]! || a - b);
    const witness = findFeasibleSelection(problem, { order });
    return { x: witness, cost: selectionCost(problem, witness) };
  };
  for (let i = 0; i < n; i++) if (fixed[i] === 1) take(i);
  // Forced-in assets alone break the budget or a group: the search proves it (and throws).
  if (count > k || groups.some((g, gi) => groupCount[gi]! > g.max)) return complete();
  while (count < k) {
    let best = -1;
    for (let i = 0; i < n; i++) {
      if (x[i] || fixed[i] === 0) continue;
      if (groupsOf[i]!.some((gi) => groupCount[gi]! >= groups[gi]!.max)) continue;
      if (best < 0 || marginal[i]! < marginal[best]!) best = i;
    }
    if (best < 0) return complete();
    take(best);
  }
  return isFeasible(problem, x) ? { x, cost } : complete();
}

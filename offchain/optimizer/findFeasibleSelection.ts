import { FeasibilityUndecidedError, InfeasibleProblemError } from "./errors.js";
import type { SelectionProblem } from "./types.js";

/** Search nodes after which the search gives up undecided (a few seconds at worst). */
export const FEASIBILITY_NODE_LIMIT = 2_000_000;

export interface FeasibilityOptions {
  /** Free assets in the order to try them (preferred first); default index order. */
  readonly order?: readonly number[];
  readonly nodeLimit?: number;
}

/**
 * A portfolio meeting the budget, the fixed in/out bounds and every group limit, or a proof that
 * none exists. Greedy construction is complete only when groups are disjoint; with overlapping
 * groups (a sector and a region limit on the same asset) it can fill both groups with shared
 * members and get stuck although a portfolio exists. This is a depth-first search over the free
 * assets (take before skip, in `order`), pruned by an upper bound on how many of the remaining
 * assets can still be added: for each group g, the addable remaining assets outside g plus at most
 * g's spare capacity. The search is exhaustive, so InfeasibleProblemError here is a proof; past
 * `nodeLimit` nodes it throws FeasibilityUndecidedError instead of guessing. Selecting k assets
 * under overlapping upper bounds is NP-hard in general, hence the limit; the bound decides
 * real problems (a handful of sector/region groups) in a few nodes.
 *
 * @example
 * const x = findFeasibleSelection(problem.selection, { order: byScore });
 */
export function findFeasibleSelection(
  problem: SelectionProblem,
  options: FeasibilityOptions = {},
): Uint8Array {
  const { n, k, fixed, groups } = problem;
  const limit = options.nodeLimit ?? FEASIBILITY_NODE_LIMIT;
  const x = new Uint8Array(n);
  const spare = groups.map((g) => g.max);
  const groupsOf: number[][] = Array.from({ length: n }, () => []);
  groups.forEach((g, gi) => g.members.forEach((m) => groupsOf[m]!.push(gi)));
  let need = k;
  for (let i = 0; i < n; i++)
    if (fixed[i] === 1) {
      x[i] = 1;
      need--;
      for (const gi of groupsOf[i]!) spare[gi]!--;
    }
  if (need < 0) throw new InfeasibleProblemError(`${k - need} assets are forced in but k = ${k}`);
  const over = spare.findIndex((s) => s < 0);
  if (over >= 0)
    throw new InfeasibleProblemError(
      `group "${groups[over]!.name}" has more forced-in members than its limit`,
    );

  const isFree = (i: number): boolean => fixed[i] === -1;
  const seen = new Uint8Array(n);
  const free: number[] = [];
  const visit = (i: number): void => {
    if (i < 0 || i >= n || !isFree(i) || seen[i]) return;
    seen[i] = 1;
    free.push(i);
  };
  for (const i of options.order ?? []) visit(i);
  for (let i = 0; i < n; i++) visit(i);

  const addable = (i: number): boolean => groupsOf[i]!.every((gi) => spare[gi]! > 0);
  const inGroup = new Int32Array(groups.length);
  /** Upper bound on how many of free[pos..] can still be added together. */
  const bound = (pos: number): number => {
    inGroup.fill(0);
    let total = 0;
    for (let p = pos; p < free.length; p++) {
      const i = free[p]!;
      if (!addable(i)) continue;
      total++;
      for (const gi of groupsOf[i]!) inGroup[gi]!++;
    }
    let best = total;
    for (let g = 0; g < groups.length; g++)
      best = Math.min(best, total - inGroup[g]! + Math.min(spare[g]!, inGroup[g]!));
    return best;
  };

  let nodes = 0;
  const search = (pos: number, left: number): boolean => {
    if (left === 0) return true;
    if (++nodes > limit)
      throw new FeasibilityUndecidedError(
        `no portfolio of ${k} found and none ruled out within ${limit} search nodes (overlapping group limits)`,
      );
    if (pos >= free.length || bound(pos) < left) return false;
    const i = free[pos]!;
    if (addable(i)) {
      x[i] = 1;
      for (const gi of groupsOf[i]!) spare[gi]!--;
      if (search(pos + 1, left - 1)) return true;
      x[i] = 0;
      for (const gi of groupsOf[i]!) spare[gi]!++;
    }
    return search(pos + 1, left);
  };
  if (!search(0, need))
    throw new InfeasibleProblemError(
      `no selection of ${k} assets satisfies the bounds and group limits (exhaustive search)`,
    );
  return x;
}

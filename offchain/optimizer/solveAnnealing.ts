import { OptimizerInputError } from "./errors.js";
import { Rng } from "./rng.js";
import { solveGreedy } from "./solveGreedy.js";
import type { SelectionProblem, SelectionResult } from "./types.js";

export interface AnnealingOptions {
  readonly seed?: number;
  /** Proposed swaps per free asset (default 400). */
  readonly sweeps?: number;
  /** Independent restarts from greedy (default 2); the best is returned. */
  readonly restarts?: number;
}

/**
 * Seeded simulated annealing over feasible portfolios only: a move swaps one held free asset for
 * an unheld one (the budget and bounds hold by construction; moves breaking a group limit are
 * rejected). Each swap's cost change is O(1) from maintained local fields; an accepted swap
 * updates the fields in O(n). Geometric cooling from a temperature set by the typical |Δcost|.
 * Starts from greedy, which completes every feasible problem (see `solveGreedy`), so it throws
 * InfeasibleProblemError only for a problem proven infeasible.
 *
 * @example
 * const { x, cost } = solveAnnealing(problem.selection, { seed: 42 });
 */
export function solveAnnealing(problem: SelectionProblem, options: AnnealingOptions = {}): SelectionResult {
  const { n, linear, quadratic, fixed, groups } = problem;
  const sweeps = options.sweeps ?? 400;
  const restarts = options.restarts ?? 2;
  if (!Number.isInteger(sweeps) || sweeps < 1)
    throw new OptimizerInputError(`sweeps must be an integer ≥ 1, got ${sweeps}`);
  if (!Number.isInteger(restarts) || restarts < 1)
    throw new OptimizerInputError(`restarts must be an integer ≥ 1, got ${restarts}`);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new OptimizerInputError(`seed must be an integer, got ${seed}`);
  const rng = new Rng(seed);
  const start = solveGreedy(problem);
  const free: number[] = [];
  for (let i = 0; i < n; i++) if (fixed[i] === -1) free.push(i);
  const groupsOf: number[][] = Array.from({ length: n }, () => []);
  groups.forEach((g, gi) => g.members.forEach((m) => groupsOf[m]!.push(gi)));

  let best: SelectionResult = start;
  for (let r = 0; r < restarts; r++) {
    const x = Uint8Array.from(start.x);
    let cost = start.cost;
    const field = Float64Array.from(linear);
    for (let i = 0; i < n; i++) if (x[i]) for (let j = 0; j < n; j++) field[j]! += quadratic[i * n + j]!;
    const count = groups.map((g) => g.members.reduce((s, m) => s + x[m]!, 0));
    const held = free.filter((i) => x[i]);
    const unheld = free.filter((i) => !x[i]);
    if (held.length === 0 || unheld.length === 0) break; // nothing to swap: greedy is optimal
    const delta = (out: number, into: number): number =>
      field[into]! - quadratic[out * n + into]! - field[out]!;
    // Temperature scale from the spread of random swap deltas.
    let spread = 0;
    for (let s = 0; s < 32; s++)
      spread += Math.abs(delta(held[rng.int(held.length)]!, unheld[rng.int(unheld.length)]!));
    const t0 = Math.max(spread / 32, 1e-300);
    const steps = sweeps * free.length;
    const cool = Math.pow(1e-4, 1 / steps);
    let t = t0;
    let bestX = Uint8Array.from(x);
    let bestCost = cost;
    for (let s = 0; s < steps; s++, t *= cool) {
      const a = rng.int(held.length);
      const b = rng.int(unheld.length);
      const out = held[a]!;
      const into = unheld[b]!;
      const d = delta(out, into);
      if (d > 0 && rng.next() >= Math.exp(-d / t)) continue;
      if (!swapKeepsGroups(groupsOf, count, groups, out, into)) continue;
      for (const gi of groupsOf[out]!) count[gi]!--;
      for (const gi of groupsOf[into]!) count[gi]!++;
      x[out] = 0;
      x[into] = 1;
      held[a] = into;
      unheld[b] = out;
      cost += d;
      for (let j = 0; j < n; j++) field[j]! += quadratic[into * n + j]! - quadratic[out * n + j]!;
      if (cost < bestCost - 1e-15) {
        bestCost = cost;
        bestX = Uint8Array.from(x);
      }
    }
    if (bestCost < best.cost) best = { x: bestX, cost: recompute(problem, bestX) };
  }
  return best;
}

function swapKeepsGroups(
  groupsOf: readonly number[][],
  count: readonly number[],
  groups: SelectionProblem["groups"],
  out: number,
  into: number,
): boolean {
  for (const gi of groupsOf[into]!) {
    const after = count[gi]! + 1 - (groupsOf[out]!.includes(gi) ? 1 : 0);
    if (after > groups[gi]!.max) return false;
  }
  return true;
}

/** Fresh cost, so accumulated floating-point drift from incremental deltas never reaches callers. */
function recompute(problem: SelectionProblem, x: Uint8Array): number {
  const { n, linear, quadratic } = problem;
  let c = 0;
  for (let i = 0; i < n; i++) {
    if (!x[i]) continue;
    c += linear[i]!;
    for (let j = i + 1; j < n; j++) if (x[j]) c += quadratic[i * n + j]!;
  }
  return c;
}

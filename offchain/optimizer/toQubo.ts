import { InfeasibleProblemError, OptimizerInputError } from "./errors.js";
import { solveGreedy } from "./solveGreedy.js";
import type { SelectionProblem } from "./types.js";

export interface Qubo {
  /** Number of binary variables: decision variables first, then slack variables. */
  readonly numVars: number;
  /** Decision variables; decision variable v is the problem's asset `assetOf[v]`. */
  readonly numDecision: number;
  readonly assetOf: readonly number[];
  /** Assets fixed to 1 by bounds (eliminated from the QUBO, added back when decoding). */
  readonly fixedIn: readonly number[];
  /** Assets still to choose among the decision variables (k minus forced-in). */
  readonly kFree: number;
  readonly linear: Float64Array;
  /** Symmetric numVars×numVars, zero diagonal; coefficient of y_i·y_j for i<j is quadratic[i*numVars+j]. */
  readonly quadratic: Float64Array;
  readonly offset: number;
  /** Penalty weight used for every constraint term. */
  readonly penalty: number;
  /** Energy units per unit of the original cost (1 unless integer-scaled). */
  readonly energyScale: number;
  /** Whether the budget penalty (Σx − k)² is included (omit it under a weight-preserving mixer). */
  readonly budgetPenalty: boolean;
}

export interface ToQuboOptions {
  /** Default true. Leave out when the budget is enforced by the ansatz (XY mixer from a Dicke state). */
  readonly budgetPenalty?: boolean;
  /**
   * Scale the objective so its range bound spans about this many integer units and round every
   * coefficient: the energy spectrum becomes integers with few distinct values, so the QAOA phase
   * separator can look up cos/sin per distinct energy instead of per amplitude.
   */
  readonly integerLevels?: number;
}

/**
 * QUBO for the selection problem. Fixed assets are substituted out (fewer qubits, and a bound that
 * holds by construction cannot be broken by a sampler). Remaining constraints become penalties:
 * budget P(Σx − k)², group max m: m = 0 → PΣx, m = 1 → PΣ_{i<j}x_i x_j, m ≥ 2 → P(Σx + slack − m)²
 * with slack bits weighted 1, 2, 4, …, remainder so slack ranges exactly over [0, m].
 *
 * Every violated term is ≥ P, and P exceeds C(x_ref) − LB, where x_ref is a feasible (greedy)
 * selection and LB = Σ min(0, linear) + Σ min(0, quadratic) bounds the objective from below over
 * all x. So any infeasible assignment costs more than x_ref, hence more than the optimum: the
 * ground state is the constrained optimum. This is far tighter than the textbook
 * P > Σ|coefficients|, which matters: a huge P flattens the objective in the QAOA landscape.
 * If greedy gets stuck, the textbook bound is used.
 *
 * @example
 * const q = toQubo(buildProblem(input).selection);
 */
export function toQubo(problem: SelectionProblem, options: ToQuboOptions = {}): Qubo {
  const { n, linear, quadratic, fixed } = problem;
  const budgetPenalty = options.budgetPenalty ?? true;
  const assetOf: number[] = [];
  const fixedIn: number[] = [];
  for (let i = 0; i < n; i++) {
    if (fixed[i] === -1) assetOf.push(i);
    else if (fixed[i] === 1) fixedIn.push(i);
  }
  const nd = assetOf.length;
  const kFree = problem.k - fixedIn.length;
  if (kFree < 0 || kFree > nd)
    throw new InfeasibleProblemError(
      `bounds leave ${nd} free assets to pick ${kFree} from; check forceIn/forceOut`,
    );
  const position = new Map<number, number>();
  assetOf.forEach((a, v) => position.set(a, v));

  // Objective restricted to the free variables; forced-in assets fold into linear and offset.
  const lin = new Float64Array(nd);
  const quad = new Float64Array(nd * nd);
  let offset = 0;
  for (const a of fixedIn) {
    offset += linear[a]!;
    for (const b of fixedIn) if (b > a) offset += quadratic[a * n + b]!;
  }
  for (let v = 0; v < nd; v++) {
    const a = assetOf[v]!;
    let l = linear[a]!;
    for (const b of fixedIn) l += quadratic[a * n + b]!;
    lin[v] = l;
    for (let u = 0; u < nd; u++) if (u !== v) quad[v * nd + u] = quadratic[a * n + assetOf[u]!]!;
  }

  let energyScale = 1;
  if (options.integerLevels !== undefined) {
    const levels = options.integerLevels;
    if (!Number.isFinite(levels) || levels < 1)
      throw new OptimizerInputError(`integerLevels must be ≥ 1, got ${levels}`);
    const range = objectiveRange(lin, quad, nd);
    energyScale = range > 0 ? levels / range : 1;
    for (let v = 0; v < nd; v++) lin[v] = Math.round(lin[v]! * energyScale);
    for (let i = 0; i < nd * nd; i++) quad[i] = Math.round(quad[i]! * energyScale);
    offset = Math.round(offset * energyScale);
  }
  const range = penaltyBound(problem, assetOf, lin, quad);
  // Integer QUBOs keep an integer penalty so the whole spectrum stays integral.
  const penalty = options.integerLevels !== undefined ? Math.floor(range) + 1 : range * 1.01 + 1e-12;

  // Group constraints, adjusted for forced-in members; collect slack layouts first to size the QUBO.
  interface Term {
    readonly vars: number[];
    readonly weights: number[];
    readonly target: number;
  }
  const squareTerms: Term[] = [];
  const linearTerms: number[][] = [];
  const pairTerms: number[][] = [];
  let numVars = nd;
  for (const g of problem.groups) {
    const free = g.members.filter((m) => fixed[m] === -1).map((m) => position.get(m)!);
    const forced = g.members.filter((m) => fixed[m] === 1).length;
    const m = g.max - forced;
    if (m < 0) throw new InfeasibleProblemError(`group "${g.name}" has more forced-in members than its max`);
    if (m >= free.length || m >= kFree) continue; // cannot bind
    if (m === 0) linearTerms.push(free);
    else if (m === 1) pairTerms.push(free);
    else {
      const bits = Math.ceil(Math.log2(m + 1));
      const weights = free.map(() => 1);
      const vars = [...free];
      for (let b = 0; b < bits; b++) {
        vars.push(numVars++);
        weights.push(b < bits - 1 ? 2 ** b : m - (2 ** (bits - 1) - 1));
      }
      squareTerms.push({ vars, weights, target: m });
    }
  }
  if (budgetPenalty)
    squareTerms.push({ vars: assetOf.map((_, v) => v), weights: assetOf.map(() => 1), target: kFree });

  const L = new Float64Array(numVars);
  const Q = new Float64Array(numVars * numVars);
  L.set(lin);
  for (let i = 0; i < nd; i++) for (let j = 0; j < nd; j++) Q[i * numVars + j] = quad[i * nd + j]!;
  const addPair = (i: number, j: number, c: number): void => {
    Q[i * numVars + j]! += c;
    Q[j * numVars + i]! += c;
  };
  for (const t of linearTerms) for (const v of t) L[v]! += penalty;
  for (const t of pairTerms)
    for (let a = 0; a < t.length; a++) for (let b = a + 1; b < t.length; b++) addPair(t[a]!, t[b]!, penalty);
  for (const t of squareTerms) {
    // P(Σ a_v y_v − m)² = P[Σ a_v² y_v + 2Σ_{u<v} a_u a_v y_u y_v − 2mΣ a_v y_v + m²]
    for (let a = 0; a < t.vars.length; a++) {
      const wa = t.weights[a]!;
      L[t.vars[a]!]! += penalty * (wa * wa - 2 * t.target * wa);
      for (let b = a + 1; b < t.vars.length; b++)
        addPair(t.vars[a]!, t.vars[b]!, 2 * penalty * wa * t.weights[b]!);
    }
    offset += penalty * t.target * t.target;
  }
  return {
    numVars,
    numDecision: nd,
    assetOf,
    fixedIn,
    kFree,
    linear: L,
    quadratic: Q,
    offset,
    penalty,
    energyScale,
    budgetPenalty,
  };
}

/** C(x_ref) − LB over the free variables, or the textbook Σ|coefficients| when greedy gets stuck. */
function penaltyBound(
  problem: SelectionProblem,
  assetOf: readonly number[],
  lin: Float64Array,
  quad: Float64Array,
): number {
  const nd = assetOf.length;
  let ref: Uint8Array;
  try {
    ref = solveGreedy(problem).x;
  } catch {
    return objectiveRange(lin, quad, nd);
  }
  let lb = 0;
  let c = 0;
  for (let i = 0; i < nd; i++) {
    lb += Math.min(0, lin[i]!);
    const xi = ref[assetOf[i]!]!;
    if (xi) c += lin[i]!;
    for (let j = i + 1; j < nd; j++) {
      const q = quad[i * nd + j]!;
      lb += Math.min(0, q);
      if (xi && ref[assetOf[j]!]) c += q;
    }
  }
  return Math.max(c - lb, 0);
}

function objectiveRange(lin: Float64Array, quad: Float64Array, nd: number): number {
  let r = 0;
  for (let i = 0; i < nd; i++) {
    r += Math.abs(lin[i]!);
    for (let j = i + 1; j < nd; j++) r += Math.abs(quad[i * nd + j]!);
  }
  return r;
}

/** QUBO energy of an assignment given as a bitmask over the QUBO variables (bit v = variable v). */
export function quboEnergy(qubo: Qubo, bits: number): number {
  const { numVars: m, linear, quadratic } = qubo;
  let e = qubo.offset;
  for (let i = 0; i < m; i++) {
    if (!((bits >>> i) & 1)) continue;
    e += linear[i]!;
    for (let j = i + 1; j < m; j++) if ((bits >>> j) & 1) e += quadratic[i * m + j]!;
  }
  return e;
}

/** Maps a QUBO assignment back to a 0/1 selection over all n assets (slack bits dropped). */
export function decodeQubo(qubo: Qubo, n: number, bits: number): Uint8Array {
  const x = new Uint8Array(n);
  for (const a of qubo.fixedIn) x[a] = 1;
  for (let v = 0; v < qubo.numDecision; v++) if ((bits >>> v) & 1) x[qubo.assetOf[v]!] = 1;
  return x;
}

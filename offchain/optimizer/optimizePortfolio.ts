import { buildProblem } from "./buildProblem.js";
import type { PortfolioInput, PortfolioProblem } from "./buildProblem.js";
import { buildQaoaCircuit } from "./circuit.js";
import { MAX_QUBITS } from "./costDiagonal.js";
import { OptimizerError, OptimizerInputError, QuantumRunAbortedError } from "./errors.js";
import { findFeasibleSelection } from "./findFeasibleSelection.js";
import { nearlyEqual } from "./nearlyEqual.js";
import type { NoiseModel } from "./noise.js";
import { popcount, xyEdges } from "./QaoaSimulator.js";
import type { MixerKind } from "./QaoaSimulator.js";
import type { QpuProvider } from "./QpuProvider.js";
import { runOnQpu } from "./runOnQpu.js";
import type { RunOnQpuOptions } from "./runOnQpu.js";
import { runQaoa } from "./runQaoa.js";
import { runVqe } from "./runVqe.js";
import type { VqeOptions } from "./runVqe.js";
import type { QaoaAngles } from "./runQaoa.js";
import { integerScaledQubo } from "./integerScaledQubo.js";
import { isFeasible, selectionCost } from "./selectionCost.js";
import { solveAnnealing } from "./solveAnnealing.js";
import { solveExact } from "./solveExact.js";
import { solveGreedy } from "./solveGreedy.js";
import { solveMeanVarianceQp } from "./solveMeanVarianceQp.js";
import { toIsing } from "./toIsing.js";
import { decodeQubo, quboEnergy, toQubo } from "./toQubo.js";
import { toQasm } from "./toQasm.js";
import { validateOptimizeOptions } from "./validateOptimizeOptions.js";
import type { SelectionProblem } from "./types.js";

export type SolverName = "qaoa" | "vqe" | "exact" | "annealing" | "greedy";

export interface OptimizeOptions {
  /** Solver to try first; classical solvers never fall back (default "qaoa"). */
  readonly solver?: SolverName;
  /** Candidates kept by |score| (by score in long-only mode) before optimising (default 12). */
  readonly topN?: number;
  readonly seed?: number;
  readonly qaoa?: {
    readonly p?: number;
    readonly mixer?: MixerKind;
    readonly shots?: number;
    readonly optimizer?: "nelder-mead" | "spsa";
    readonly maxEvaluations?: number;
    readonly noise?: NoiseModel;
    readonly initialAngles?: QaoaAngles;
    /**
     * Integer-scale the QUBO to this many levels (faster phase layer, slightly coarser objective).
     * Default "auto": DEFAULT_INTEGER_LEVELS when that keeps the ground state, else the real QUBO;
     * "off" always uses the real QUBO.
     */
    readonly integerLevels?: number | "auto" | "off";
    /** Simulator threads (1 forces single-threaded; default by register size). */
    readonly threads?: number;
    /** Refuse QAOA above this many qubits (default 20) and fall back. */
    readonly maxQubits?: number;
  };
  readonly vqe?: VqeOptions;
  /** Sample the optimised circuit on a QPU instead of the simulator (angles still optimised locally). */
  readonly qpu?: { readonly provider: QpuProvider } & RunOnQpuOptions;
  /** Circuit breaker: fall back when QAOA takes longer than this (default 10 000 ms). */
  readonly latencyBudgetMs?: number;
  /** Circuit breaker: fall back below this approximation ratio (default 0.95). */
  readonly minApproximationRatio?: number;
  /** Circuit breaker: fall back when the noise model's estimated fidelity is below this (default 0.5). */
  readonly minFidelity?: number;
  /** Equal weights 1/k (default) or mean-variance weights over the chosen assets. */
  readonly weighting?: "equal" | "mean-variance";
  readonly maxWeight?: number;
  /** Milliseconds clock; inject a fake one to make latency checks deterministic. */
  readonly clock?: () => number;
}

export interface OptimizerMeta {
  readonly solver: SolverName;
  readonly fallback: boolean;
  readonly fallback_reason: string | null;
  readonly latency_ms: number;
  /** (worst − cost)/(worst − best) over feasible portfolios of the candidate set, for the QAOA answer. */
  readonly approximation_ratio: number | null;
  readonly shots: number | null;
  readonly angles: { readonly gammas: readonly number[]; readonly betas: readonly number[] } | null;
  readonly seed: number;
  readonly p: number | null;
  readonly mixer: MixerKind | null;
  readonly qubits: number | null;
  readonly fidelity: number | null;
  readonly ground_probability: number | null;
  /** Objective evaluations spent on the angles. */
  readonly evaluations: number | null;
  /** Whether QAOA ran on the integer-scaled QUBO (table-lookup phase layer). */
  readonly integer_scaled: boolean | null;
  readonly bound_solver: "exact" | "annealing";
  readonly candidates: readonly string[];
  readonly backend: string;
  /** Input repairs the user must know about (zero-variance assets floored, candidates kept for feasibility). */
  readonly warnings: readonly string[];
}

export interface PortfolioChoice {
  readonly assets: readonly string[];
  /** Signed weight per chosen asset (negative = short), same order as `assets`. */
  readonly weights: readonly number[];
  readonly expectedReturn: number;
  readonly risk: number;
  /** α·expected return − β·risk of the weights. */
  readonly objective: number;
  readonly optimizer_meta: OptimizerMeta;
}

/** Above this many k-subsets the classical bound comes from annealing instead of enumeration. */
const EXACT_LIMIT = 300_000;

/**
 * Two costs closer than this (absolute, plus relative to the feasible cost range) are the same
 * answer: floating-point noise never decides which portfolio is "better".
 */
const COST_TOLERANCE = { absolute: 1e-15, relative: 1e-12 };

/**
 * Hybrid optimizer: top-N filter → QAOA on the candidates → circuit breaker (latency budget,
 * approximation ratio against the classical bound, noise) → classical fallback when any check
 * fails. Every answer carries `optimizer_meta` saying what ran and why. Deterministic for a seed
 * and a deterministic clock.
 *
 * The decision path never throws on a valid problem: options are validated up front
 * (OptimizerConfigError), and from then on any failure of the quantum path (worker pool, memory,
 * QPU provider, register too large for the simulator, latency budget spent mid-run) falls back to
 * the classical answer with the reason in `fallback_reason`. The answer is never worse than the
 * classical bound already computed: a QAOA answer that passes the ratio threshold but costs more
 * than the bound's portfolio is replaced by it (flagged as a fallback).
 *
 * @example
 * const choice = await optimizePortfolio({ assets, scores, returns, k: 3 }, { seed: 1 });
 * choice.optimizer_meta.fallback; // false when QAOA's answer passed every check
 */
export async function optimizePortfolio(
  input: PortfolioInput,
  rawOptions: OptimizeOptions = {},
): Promise<PortfolioChoice> {
  const options = validateOptimizeOptions(rawOptions);
  const clock = options.clock ?? (() => performance.now());
  const t0 = clock();
  const seed = options.seed ?? 0;
  const solver = options.solver ?? "qaoa";
  const full = buildProblem(input); // validates everything once, on the full universe
  const filtered = filterTopN(input, full, options.topN ?? 12);
  const problem = buildProblem(filtered.input);
  const warnings = [...problem.warnings, ...filtered.warnings];
  const sel = problem.selection;

  const bound = classicalBound(sel, seed);
  const ratioOf = (cost: number): number =>
    bound.worst - bound.best > 1e-300 ? (bound.worst - cost) / (bound.worst - bound.best) : 1;
  /** True when `cost` is worse than the bound's portfolio by more than rounding noise. */
  const worseThanBound = (cost: number): boolean =>
    cost > bound.best &&
    !nearlyEqual(cost, bound.best, {
      absolute: COST_TOLERANCE.absolute + COST_TOLERANCE.relative * Math.abs(bound.worst - bound.best),
      relative: COST_TOLERANCE.relative,
    });

  let chosen = bound.x;
  let used: SolverName = bound.solver;
  let fallback = false;
  let reason: string | null = null;
  let qaoaMeta: Partial<OptimizerMeta> = {};
  let backend = "classical";

  if (solver === "greedy") [chosen, used] = [solveGreedy(sel).x, "greedy"];
  else if (solver === "annealing") [chosen, used] = [solveAnnealing(sel, { seed }).x, "annealing"];
  else if (solver === "exact") [chosen, used] = [solveExact(sel).x, "exact"];
  else {
    const reasons: string[] = [];
    const budget = options.latencyBudgetMs ?? 10_000;
    const minRatio = options.minApproximationRatio ?? 0.95;
    const maxQubits = options.qaoa?.maxQubits ?? 20;
    // The whole quantum path (QUBO, diagonals, angle search, sampling) counts against the budget.
    const tq = clock();
    let stoppedAt: number | undefined;
    const shouldStop = (): boolean => {
      const elapsed = clock() - tq;
      if (elapsed <= budget) return false;
      stoppedAt = elapsed;
      return true;
    };
    /** Records why the candidate `x` is not used, or uses it. */
    const judge = (x: Uint8Array, latency: number, extra: string[], name: "qaoa" | "vqe"): void => {
      const feasible = isFeasible(sel, x);
      const cost = feasible ? selectionCost(sel, x) : Infinity;
      const ratio = feasible ? ratioOf(cost) : 0;
      qaoaMeta = { ...qaoaMeta, approximation_ratio: ratio };
      if (latency > budget) reasons.push(`latency ${latency.toFixed(1)} ms > budget ${budget} ms`);
      if (!feasible) reasons.push("no feasible portfolio among the samples");
      else if (ratio < minRatio)
        reasons.push(
          `approximation ratio ${ratio.toFixed(4)} < ${minRatio} against the ${bound.solver} bound`,
        );
      reasons.push(...extra);
      if (reasons.length === 0 && worseThanBound(cost))
        reasons.push(
          `${name.toUpperCase()}'s portfolio (approximation ratio ${ratio.toFixed(4)}) is worse than the ${bound.solver} ` +
            `${bound.solver === "exact" ? "optimum" : "best portfolio"} already computed, which is returned instead`,
        );
      if (reasons.length === 0) [chosen, used] = [x, name];
    };
    try {
      if (solver === "vqe") {
        const qubo = toQubo(sel);
        if (qubo.numVars > maxQubits) reasons.push(`needs ${qubo.numVars} qubits > maxQubits ${maxQubits}`);
        else if (qubo.numVars > MAX_QUBITS)
          reasons.push(`needs ${qubo.numVars} qubits > the statevector simulator's limit of ${MAX_QUBITS}`);
        else {
          backend = "statevector";
          const r = runVqe(qubo, { seed, ...options.vqe, shouldStop });
          qaoaMeta = {
            shots: options.vqe?.shots ?? 1024,
            p: r.layers,
            qubits: qubo.numVars,
            ground_probability: r.groundProbability,
            evaluations: r.evaluations,
          };
          judge(decodeQubo(qubo, sel.n, r.bits), clock() - tq, [], "vqe");
        }
      } else {
        const q = options.qaoa ?? {};
        const mixer = q.mixer ?? "xy-ring";
        const levels = q.integerLevels ?? "auto";
        const budgetPenalty = mixer === "x";
        const simLimit = Math.min(maxQubits, MAX_QUBITS);
        const { qubo, integer: integerScaled } =
          levels === "auto"
            ? integerScaledQubo(sel, { budgetPenalty, maxQubits: simLimit })
            : {
                qubo: toQubo(sel, { budgetPenalty, integerLevels: levels === "off" ? undefined : levels }),
                integer: levels !== "off",
              };
        if (qubo.numVars > maxQubits) reasons.push(`needs ${qubo.numVars} qubits > maxQubits ${maxQubits}`);
        else if (qubo.numVars > MAX_QUBITS)
          reasons.push(`needs ${qubo.numVars} qubits > the statevector simulator's limit of ${MAX_QUBITS}`);
        else if (mixer !== "x" && qubo.numDecision < 2)
          reasons.push("fewer than 2 free assets: nothing to optimise");
        else {
          backend = "statevector";
          const r = runQaoa(qubo, {
            p: q.p ?? 2,
            mixer,
            seed,
            shots: q.shots ?? 1024,
            optimizer: q.optimizer,
            maxEvaluations: q.maxEvaluations,
            noise: q.noise,
            initialAngles: q.initialAngles,
            threads: q.threads,
            shouldStop,
          });
          qaoaMeta = {
            shots: r.shots,
            angles: { gammas: r.gammas, betas: r.betas },
            p: r.p,
            mixer,
            qubits: qubo.numVars,
            fidelity: r.fidelity,
            ground_probability: r.groundProbability,
            evaluations: r.evaluations,
            integer_scaled: integerScaled,
          };
          let bits = r.bits;
          const extra: string[] = [];
          if (options.qpu) {
            backend = options.qpu.provider.name;
            try {
              // The QPU wait is part of the latency budget too.
              const left = Math.max(1, budget - (clock() - tq));
              bits = await sampleOnQpu(options.qpu, qubo, r, mixer, clock, left);
            } catch (e) {
              extra.push(`QPU failed: ${describe(e)}`);
            }
          }
          const minFidelity = options.minFidelity ?? 0.5;
          if (r.fidelity < minFidelity)
            extra.push(`estimated fidelity ${r.fidelity.toFixed(3)} < ${minFidelity} (too noisy)`);
          judge(decodeQubo(qubo, sel.n, bits), clock() - tq, extra, "qaoa");
        }
      }
    } catch (e) {
      if (e instanceof QuantumRunAbortedError) {
        qaoaMeta = { ...qaoaMeta, evaluations: e.evaluations };
        reasons.push(
          `latency ${(stoppedAt ?? clock() - tq).toFixed(1)} ms > budget ${budget} ms ` +
            `(${solver.toUpperCase()} stopped after ${e.evaluations} evaluations)`,
        );
      } else reasons.push(`${solver.toUpperCase()} failed: ${describe(e)}`);
    }
    if (reasons.length > 0) [fallback, reason] = [true, reasons.join("; ")];
  }

  const result = weigh(problem, chosen, options);
  return {
    ...result,
    optimizer_meta: {
      solver: used,
      fallback,
      fallback_reason: reason,
      latency_ms: clock() - t0,
      approximation_ratio: qaoaMeta.approximation_ratio ?? null,
      shots: qaoaMeta.shots ?? null,
      angles: qaoaMeta.angles ?? null,
      seed,
      p: qaoaMeta.p ?? null,
      mixer: qaoaMeta.mixer ?? null,
      qubits: qaoaMeta.qubits ?? null,
      fidelity: qaoaMeta.fidelity ?? null,
      ground_probability: qaoaMeta.ground_probability ?? null,
      evaluations: qaoaMeta.evaluations ?? null,
      integer_scaled: qaoaMeta.integer_scaled ?? null,
      bound_solver: bound.solver,
      candidates: problem.assets,
      backend,
      warnings,
    },
  };
}

/** "Name: message" of anything thrown (providers may throw non-Error values). */
function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : `non-Error thrown: ${String(e)}`;
}

/**
 * Keeps forced-in assets plus the strongest scores, up to max(topN, k); drops forced-out ones.
 * With group limits the strongest scores alone can admit no portfolio (all of them in one
 * capped group), so a feasible portfolio of the full universe, searched strongest-first, is kept
 * too; a warning names the assets kept only for that reason.
 */
function filterTopN(
  input: PortfolioInput,
  full: PortfolioProblem,
  topN: number,
): { input: PortfolioInput; warnings: string[] } {
  if (!Number.isInteger(topN) || topN < 1)
    throw new OptimizerInputError(`topN must be an integer ≥ 1, got ${topN}`);
  const n = input.assets.length;
  const keepCount = Math.max(topN, input.k);
  if (n <= keepCount) return { input: { ...input, returnScale: full.returnScale }, warnings: [] };
  const forcedIn = new Set(input.forceIn ?? []);
  const forcedOut = new Set(input.forceOut ?? []);
  const strength = (i: number): number =>
    full.mode === "long-short" ? Math.abs(input.scores[i]!) : input.scores[i]!;
  const order = Array.from({ length: n }, (_, i) => i)
    .filter((i) => !forcedOut.has(input.assets[i]!))
    .sort((a, b) => {
      const fa = forcedIn.has(input.assets[a]!) ? 1 : 0;
      const fb = forcedIn.has(input.assets[b]!) ? 1 : 0;
      return fb - fa || strength(b) - strength(a) || a - b;
    });
  const kept = new Set(order.slice(0, keepCount));
  const warnings: string[] = [];
  if (full.selection.groups.length > 0) {
    const witness = findFeasibleSelection(full.selection, { order });
    const missing = order.filter((i) => witness[i] && !kept.has(i));
    if (missing.length > 0) {
      // Swap the weakest non-witness candidates for the witness's missing members.
      const droppable = [...kept]
        .filter((i) => !witness[i])
        .sort((a, b) => order.indexOf(b) - order.indexOf(a));
      for (const i of missing) {
        kept.delete(droppable.shift()!);
        kept.add(i);
      }
      warnings.push(
        `top-${topN} filter: kept ${missing.map((i) => input.assets[i]).join(", ")} so that the candidates ` +
          `still admit a portfolio within the group limits`,
      );
    }
  }
  const keep = [...kept].sort((a, b) => a - b);
  const names = new Set(keep.map((i) => input.assets[i]!));
  return {
    input: {
      ...input,
      assets: keep.map((i) => input.assets[i]!),
      scores: keep.map((i) => input.scores[i]!),
      returns: input.returns.map((row) => keep.map((i) => row[i]!)),
      forceOut: [],
      groups: (input.groups ?? []).map((g) => ({ ...g, assets: g.assets.filter((a) => names.has(a)) })),
      returnScale: full.returnScale,
    },
    warnings,
  };
}

interface Bound {
  readonly x: Uint8Array;
  readonly best: number;
  readonly worst: number;
  readonly solver: "exact" | "annealing";
}

function classicalBound(sel: SelectionProblem, seed: number): Bound {
  let free = 0;
  let forced = 0;
  for (let i = 0; i < sel.n; i++) {
    if (sel.fixed[i] === -1) free++;
    else if (sel.fixed[i] === 1) forced++;
  }
  let subsets = 1;
  for (let i = 1; i <= sel.k - forced; i++) subsets = (subsets * (free - sel.k + forced + i)) / i;
  if (subsets <= EXACT_LIMIT) {
    const e = solveExact(sel);
    return { x: e.x, best: e.cost, worst: e.worstCost, solver: "exact" };
  }
  const best = solveAnnealing(sel, { seed });
  // The worst feasible portfolio, for the ratio's denominator: anneal the negated objective.
  const negated: SelectionProblem = {
    ...sel,
    linear: sel.linear.map((v) => -v),
    quadratic: sel.quadratic.map((v) => -v),
  };
  const worst = -solveAnnealing(negated, { seed: seed + 1 }).cost;
  return { x: best.x, best: best.cost, worst, solver: "annealing" };
}

function weigh(
  problem: PortfolioProblem,
  x: Uint8Array,
  options: OptimizeOptions,
): Omit<PortfolioChoice, "optimizer_meta"> {
  const n = problem.assets.length;
  const chosen: number[] = [];
  for (let i = 0; i < n; i++) if (x[i]) chosen.push(i);
  let w: Float64Array;
  if (options.weighting === "mean-variance")
    w = solveMeanVarianceQp(problem, { subset: chosen, maxWeight: options.maxWeight ?? 1 }).weights;
  else {
    w = new Float64Array(n);
    for (const i of chosen) w[i] = problem.signs[i]! / chosen.length;
  }
  // Position-space quantities: v_i = sign_i·w_i, so μ' and Σ' apply directly.
  let ret = 0;
  let risk = 0;
  for (const i of chosen) {
    const vi = problem.signs[i]! * w[i]!;
    ret += problem.expectedReturns[i]! * vi;
    for (const j of chosen) risk += vi * problem.covariance[i * n + j]! * problem.signs[j]! * w[j]!;
  }
  return {
    assets: chosen.map((i) => problem.assets[i]!),
    weights: chosen.map((i) => w[i]!),
    expectedReturn: ret,
    risk,
    objective: problem.alpha * ret - problem.beta * risk,
  };
}

async function sampleOnQpu(
  qpu: NonNullable<OptimizeOptions["qpu"]>,
  qubo: ReturnType<typeof toQubo>,
  r: ReturnType<typeof runQaoa>,
  mixer: MixerKind,
  clock: () => number,
  budgetLeftMs: number,
): Promise<number> {
  const ising = toIsing(qubo);
  const edges = mixer === "x" ? [] : xyEdges(mixer, qubo.numDecision);
  const gates = buildQaoaCircuit({
    ising,
    mixer,
    xyQubits: qubo.numDecision,
    hammingWeight: qubo.kFree,
    edges,
    gammas: r.gammas,
    betas: r.betas,
  });
  const { provider, ...rest } = qpu;
  const { counts } = await runOnQpu(
    provider,
    [{ qasm: toQasm(gates, qubo.numVars), shots: r.shots || 1024 }],
    { clock, ...rest, timeoutMs: Math.min(rest.timeoutMs, budgetLeftMs) },
  );
  let best = -1;
  let bestE = Infinity;
  const decisionMask = (1 << qubo.numDecision) - 1;
  for (const bits of [...counts[0]!.keys()].sort((a, b) => a - b)) {
    // Under an XY mixer the budget is not in the QUBO: post-select samples of the right weight.
    if (mixer !== "x" && popcount(bits & decisionMask) !== qubo.kFree) continue;
    const e = quboEnergy(qubo, bits);
    if (e < bestE) [best, bestE] = [bits, e];
  }
  if (best < 0) throw new OptimizerError("QPU returned no usable samples (none of the right portfolio size)");
  return best;
}

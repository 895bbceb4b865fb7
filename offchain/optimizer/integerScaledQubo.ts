import { MAX_QUBITS, costDiagonal } from "./costDiagonal.js";
import { popcount } from "./statevectorKernels.js";
import { toQubo } from "./toQubo.js";
import type { Qubo } from "./toQubo.js";
import type { SelectionProblem } from "./types.js";

/** Objective levels the orchestrator tries by default: fine enough to keep the optimum on real data. */
export const DEFAULT_INTEGER_LEVELS = 4096;

export interface IntegerScaledQubo {
  readonly qubo: Qubo;
  /** Whether the integer-scaled QUBO was kept (false: its ground state differed, real QUBO used). */
  readonly integer: boolean;
}

/**
 * The integer-scaled QUBO (table-lookup phase layer, about twice as fast) when rounding keeps the
 * ground state, else the real-valued one. Kept only if every minimiser of the scaled diagonal
 * over the ansatz's support (weight-k states under an XY mixer) also minimises the real diagonal,
 * so sampling the scaled optimum still returns the true optimum. Costs two O(n·2ⁿ) diagonals.
 *
 * @example
 * const { qubo, integer } = integerScaledQubo(problem.selection, { budgetPenalty: false });
 */
export function integerScaledQubo(
  problem: SelectionProblem,
  options: { readonly budgetPenalty: boolean; readonly levels?: number; readonly maxQubits?: number },
): IntegerScaledQubo {
  const real = toQubo(problem, { budgetPenalty: options.budgetPenalty });
  // Too large to simulate anyway: the caller will refuse it, so skip the 2ⁿ diagonals.
  if (real.numVars > (options.maxQubits ?? MAX_QUBITS)) return { qubo: real, integer: false };
  const scaled = toQubo(problem, {
    budgetPenalty: options.budgetPenalty,
    integerLevels: options.levels ?? DEFAULT_INTEGER_LEVELS,
  });
  if (scaled.numVars !== real.numVars) return { qubo: real, integer: false };
  const dReal = costDiagonal(real);
  const dScaled = costDiagonal(scaled);
  const mask = (1 << real.numDecision) - 1;
  const inSupport = (i: number): boolean => options.budgetPenalty || popcount(i & mask) === real.kFree;
  let minReal = Infinity;
  let minScaled = Infinity;
  for (let i = 0; i < dReal.length; i++) {
    if (!inSupport(i)) continue;
    if (dReal[i]! < minReal) minReal = dReal[i]!;
    if (dScaled[i]! < minScaled) minScaled = dScaled[i]!;
  }
  const tol = 1e-9 * Math.max(1, Math.abs(minReal));
  for (let i = 0; i < dReal.length; i++)
    if (inSupport(i) && dScaled[i] === minScaled && dReal[i]! - minReal > tol)
      return { qubo: real, integer: false };
  return { qubo: scaled, integer: true };
}

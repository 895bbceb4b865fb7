import { costDiagonal } from "./costDiagonal.js";
import { OptimizerInputError, QuantumRunAbortedError } from "./errors.js";
import { checkFinite, checkInteger, checkSeed } from "./optionChecks.js";
import { Rng } from "./rng.js";
import { bestOfShots } from "./runQaoa.js";
import type { Qubo } from "./toQubo.js";

export interface VqeOptions {
  /** Entangling layers L; the ansatz has (L+1)·n RY angles (default 2). */
  readonly layers?: number;
  readonly seed?: number;
  /** Adam steps (default 80). */
  readonly iterations?: number;
  readonly learningRate?: number;
  readonly shots?: number;
  /** Random initialisations; the best final energy wins (default 3). */
  readonly restarts?: number;
  /** Asked before every energy evaluation; `true` stops the run with QuantumRunAbortedError. */
  readonly shouldStop?: () => boolean;
}

export interface VqeResult {
  readonly bits: number;
  readonly energy: number;
  readonly expectation: number;
  readonly groundProbability: number;
  readonly parameters: readonly number[];
  readonly layers: number;
  readonly evaluations: number;
  readonly history: readonly number[];
}

/**
 * VQE with a hardware-efficient ansatz: RY on every qubit, then a CZ ladder (0-1, 1-2, …),
 * repeated L times, then a final RY layer. RY and CZ are real, so the state is one real
 * Float64Array, and the CZ ladder collapses to a precomputed ±1 diagonal applied in one pass.
 * Gradients are exact by the parameter-shift rule (∂E/∂θ = [E(θ+π/2) − E(θ−π/2)]/2), steps by
 * Adam. The budget is not built in, so the QUBO must carry the budget penalty.
 *
 * @example
 * const r = runVqe(toQubo(problem.selection), { layers: 2, seed: 1 });
 */
export function runVqe(qubo: Qubo, options: VqeOptions = {}): VqeResult {
  const layers = options.layers ?? 2;
  checkInteger("layers", layers, 0, 64);
  checkInteger("iterations", options.iterations, 0);
  checkFinite("learningRate", options.learningRate, 0, Number.MAX_VALUE, true);
  checkInteger("shots", options.shots, 0);
  checkInteger("restarts", options.restarts, 1);
  checkSeed("seed", options.seed);
  if (!qubo.budgetPenalty)
    throw new OptimizerInputError("VQE's ansatz does not keep the budget: build the QUBO with budgetPenalty");
  const iterations = options.iterations ?? 80;
  const lr = options.learningRate ?? 0.1;
  const shots = options.shots ?? 1024;
  const restarts = options.restarts ?? 3;
  const rng = new Rng(options.seed ?? 0);
  const diag = costDiagonal(qubo);
  const n = qubo.numVars;
  const size = diag.length;
  const czSign = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    let parity = 0;
    for (let q = 0; q + 1 < n; q++) parity ^= (i >>> q) & (i >>> (q + 1)) & 1;
    czSign[i] = parity ? -1 : 1;
  }
  const psi = new Float64Array(size);
  const numParams = n * (layers + 1);
  let evaluations = 0;
  const prepare = (theta: readonly number[]): void => {
    psi.fill(0);
    psi[0] = 1;
    for (let l = 0; l <= layers; l++) {
      for (let q = 0; q < n; q++) {
        const c = Math.cos(theta[l * n + q]! / 2);
        const s = Math.sin(theta[l * n + q]! / 2);
        const stride = 1 << q;
        for (let base = 0; base < size; base += stride << 1)
          for (let i = base; i < base + stride; i++) {
            const a = psi[i]!;
            const b = psi[i + stride]!;
            psi[i] = c * a - s * b;
            psi[i + stride] = s * a + c * b;
          }
      }
      if (l < layers) for (let i = 0; i < size; i++) psi[i]! *= czSign[i]!;
    }
  };
  const energy = (theta: readonly number[]): number => {
    if (options.shouldStop?.())
      throw new QuantumRunAbortedError(`VQE stopped after ${evaluations} evaluations`, evaluations);
    evaluations++;
    prepare(theta);
    let e = 0;
    for (let i = 0; i < size; i++) e += psi[i]! * psi[i]! * diag[i]!;
    return e;
  };

  let best: { theta: number[]; value: number; history: number[] } | undefined;
  for (let r = 0; r < restarts; r++) {
    const theta = Array.from({ length: numParams }, () => (rng.next() * 2 - 1) * Math.PI);
    const m = new Float64Array(numParams);
    const v = new Float64Array(numParams);
    const history: number[] = [];
    for (let t = 1; t <= iterations; t++) {
      const grad = theta.map((_, j) => {
        const plus = theta.slice();
        const minus = theta.slice();
        plus[j]! += Math.PI / 2;
        minus[j]! -= Math.PI / 2;
        return (energy(plus) - energy(minus)) / 2;
      });
      // Adam's step is invariant to the gradient's scale, so one lr suits any energy units.
      for (let j = 0; j < numParams; j++) {
        m[j] = 0.9 * m[j]! + 0.1 * grad[j]!;
        v[j] = 0.999 * v[j]! + 0.001 * grad[j]! * grad[j]!;
        const mh = m[j]! / (1 - 0.9 ** t);
        const vh = v[j]! / (1 - 0.999 ** t);
        theta[j]! -= (lr * mh) / (Math.sqrt(vh) + 1e-300);
      }
      history.push(energy(theta));
    }
    const value = history.at(-1) ?? energy(theta);
    if (!best || value < best.value) best = { theta, value, history };
  }
  const theta = best!.theta;
  prepare(theta);
  const probs = new Float64Array(size);
  let ground = Infinity;
  for (let i = 0; i < size; i++) {
    probs[i] = psi[i]! * psi[i]!;
    if (diag[i]! < ground) ground = diag[i]!;
  }
  let groundProbability = 0;
  for (let i = 0; i < size; i++)
    if (diag[i]! - ground <= 1e-9 * Math.max(1, Math.abs(ground))) groundProbability += probs[i]!;
  let bits = shots > 0 ? bestOfShots(probs, shots, rng, (i) => diag[i]!) : -1;
  // A loop, not Math.max(...probs): spreading 2^n arguments overflows the stack from ~17 qubits.
  if (bits < 0) bits = argmax(probs);
  return {
    bits,
    energy: diag[bits]!,
    expectation: best!.value,
    groundProbability,
    parameters: theta,
    layers,
    evaluations,
    history: best!.history,
  };
}

/** Index of the largest entry (first on ties). */
function argmax(a: Float64Array): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i]! > a[best]!) best = i;
  return best;
}

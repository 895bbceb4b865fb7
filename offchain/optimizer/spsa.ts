import type { MinimizeResult } from "./nelderMead.js";
import { Rng } from "./rng.js";

export interface SpsaOptions {
  readonly iterations?: number;
  readonly seed?: number;
  /** Gain sequences a_k = a/(k+1+A)^0.602, c_k = c/(k+1)^0.101 (Spall's recommended exponents). */
  readonly a?: number;
  readonly c?: number;
  readonly A?: number;
}

/**
 * Simultaneous-perturbation stochastic approximation: two evaluations per step whatever the
 * dimension, and tolerant of noisy objectives (sampled energies, hardware runs). The random ±1
 * perturbations come from a seeded `Rng`, so runs are reproducible.
 *
 * @example
 * spsa(([a]) => (a! - 3) ** 2, [0], { seed: 1, iterations: 200 }).x; // ≈ [3]
 */
export function spsa(
  f: (x: readonly number[]) => number,
  x0: readonly number[],
  options: SpsaOptions = {},
): MinimizeResult {
  const iterations = options.iterations ?? 100;
  const rng = new Rng(options.seed ?? 0);
  const a = options.a ?? 0.1;
  const c = options.c ?? 0.05;
  const A = options.A ?? iterations / 10;
  const d = x0.length;
  const x = x0.slice();
  let best = x.slice();
  let bestValue = f(x);
  let evaluations = 1;
  const delta = new Array<number>(d);
  for (let k = 0; k < iterations; k++) {
    const ak = a / (k + 1 + A) ** 0.602;
    const ck = c / (k + 1) ** 0.101;
    for (let j = 0; j < d; j++) delta[j] = rng.sign();
    const xPlus = x.map((v, j) => v + ck * delta[j]!);
    const xMinus = x.map((v, j) => v - ck * delta[j]!);
    const plus = f(xPlus);
    const minus = f(xMinus);
    evaluations += 2;
    // SPSA iterates wander; keep the best point actually measured.
    if (Math.min(plus, minus) < bestValue) {
      bestValue = Math.min(plus, minus);
      best = plus < minus ? xPlus : xMinus;
    }
    const g = (plus - minus) / (2 * ck);
    for (let j = 0; j < d; j++) x[j]! -= (ak * g) / delta[j]!;
  }
  const final = f(x);
  evaluations++;
  if (final < bestValue) return { x, value: final, evaluations };
  return { x: best, value: bestValue, evaluations };
}

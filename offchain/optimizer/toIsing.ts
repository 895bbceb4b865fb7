import type { Qubo } from "./toQubo.js";

/** E(z) = offset + Σ h_i z_i + Σ_{i<j} J_ij z_i z_j with z_i = +1 for qubit |0⟩ (x_i = 0), −1 for |1⟩. */
export interface Ising {
  readonly numVars: number;
  readonly h: Float64Array;
  /** Symmetric numVars×numVars, zero diagonal. */
  readonly J: Float64Array;
  readonly offset: number;
}

/**
 * Ising form of a QUBO through x = (1 − z)/2; this is what a gate-model cost layer implements
 * (RZ for h, RZZ for J).
 *
 * @example
 * const { h, J } = toIsing(toQubo(problem.selection));
 */
export function toIsing(qubo: Qubo): Ising {
  const m = qubo.numVars;
  const h = new Float64Array(m);
  const J = new Float64Array(m * m);
  let offset = qubo.offset;
  for (let i = 0; i < m; i++) {
    offset += qubo.linear[i]! / 2;
    h[i]! -= qubo.linear[i]! / 2;
    for (let j = i + 1; j < m; j++) {
      const q = qubo.quadratic[i * m + j]!;
      if (q === 0) continue;
      offset += q / 4;
      h[i]! -= q / 4;
      h[j]! -= q / 4;
      J[i * m + j] = q / 4;
      J[j * m + i] = q / 4;
    }
  }
  return { numVars: m, h, J, offset };
}

/** Ising energy for a bitmask assignment (bit set ⇒ z = −1). */
export function isingEnergy(ising: Ising, bits: number): number {
  const m = ising.numVars;
  let e = ising.offset;
  for (let i = 0; i < m; i++) {
    const zi = (bits >>> i) & 1 ? -1 : 1;
    e += ising.h[i]! * zi;
    for (let j = i + 1; j < m; j++) e += ising.J[i * m + j]! * zi * ((bits >>> j) & 1 ? -1 : 1);
  }
  return e;
}

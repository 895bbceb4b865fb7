import { ProblemTooLargeError } from "./errors.js";
import type { Qubo } from "./toQubo.js";

/** Largest register the statevector code accepts: 2^26 amplitudes is ~1.6 GB of state + diagonal. */
export const MAX_QUBITS = 26;

/**
 * QUBO energy of every basis state, bit v of the index = variable v, in O(m·2^m): walk the
 * Gray code so consecutive states differ in one bit, and keep each variable's local field
 * (linear + Σ quadratic over set neighbours) up to date, so a flip costs O(m) rather than the
 * O(m²) of re-evaluating the energy.
 *
 * @example
 * const diag = costDiagonal(toQubo(problem.selection)); // diag[bits] = energy
 */
export function costDiagonal(qubo: Qubo): Float64Array {
  const m = qubo.numVars;
  if (m > MAX_QUBITS)
    throw new ProblemTooLargeError(`${m} qubits exceeds the statevector limit of ${MAX_QUBITS}`);
  const size = 2 ** m;
  const diag = new Float64Array(size);
  const field = Float64Array.from(qubo.linear);
  const Q = qubo.quadratic;
  const x = new Uint8Array(m);
  let energy = qubo.offset;
  diag[0] = energy;
  let gray = 0;
  for (let t = 1; t < size; t++) {
    const j = 31 - Math.clz32(t & -t); // bit that flips between gray(t-1) and gray(t)
    const row = j * m;
    if (x[j]) {
      energy -= field[j]!;
      x[j] = 0;
      for (let i = 0; i < m; i++) field[i]! -= Q[row + i]!;
    } else {
      energy += field[j]!;
      x[j] = 1;
      for (let i = 0; i < m; i++) field[i]! += Q[row + i]!;
    }
    gray ^= 1 << j;
    diag[gray] = energy;
  }
  return diag;
}

/** Diagonal stored as a small table of distinct energies plus a 2-byte index per amplitude. */
export interface LevelDiagonal {
  readonly index: Uint16Array;
  readonly levels: Float64Array;
}

/**
 * Compresses an integer-valued diagonal with at most 65 536 distinct energies (an integer-scaled
 * QUBO, see `toQubo({ integerLevels })`) so the phase separator computes cos/sin once per distinct
 * energy. Returns undefined when the diagonal is not integral or has too many distinct values.
 */
export function compressDiagonal(diag: Float64Array): LevelDiagonal | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < diag.length; i++) {
    const e = diag[i]!;
    if (!Number.isInteger(e)) return undefined;
    if (e < min) min = e;
    if (e > max) max = e;
  }
  const span = max - min + 1;
  if (span > 1 << 24) return undefined;
  const seen = new Int32Array(span).fill(-1);
  let count = 0;
  for (let i = 0; i < diag.length; i++) {
    const o = diag[i]! - min;
    if (seen[o] === -1) {
      if (count === 65536) return undefined;
      seen[o] = count++;
    }
  }
  const levels = new Float64Array(count);
  for (let o = 0; o < span; o++) if (seen[o]! >= 0) levels[seen[o]!] = o + min;
  const index = new Uint16Array(diag.length);
  for (let i = 0; i < diag.length; i++) index[i] = seen[diag[i]! - min]!;
  return { index, levels };
}

import { OptimizerInputError } from "./errors.js";

/**
 * A deliberately simple device model for charting quality against noise: each 1-qubit and each
 * CX gate depolarises with its probability, approximated as a global depolarising channel
 * ρ → F·ρ + (1−F)·I/2^n with F = (1−p1)^{n1}·(1−p2)^{n2} (accurate for deep random-like circuits,
 * pessimistic for shallow ones), then every measured bit flips with probability `readout`.
 */
export interface NoiseModel {
  readonly depolarizing1q?: number;
  readonly depolarizing2q?: number;
  readonly readout?: number;
}

export function validateNoise(noise: NoiseModel): void {
  for (const [k, v] of Object.entries(noise)) {
    if (v !== undefined && (!Number.isFinite(v) || v < 0 || v > 0.5))
      throw new OptimizerInputError(`noise.${k} must be a probability in [0, 0.5], got ${String(v)}`);
  }
}

/** Probability that no gate error occurred, under the model above. */
export function circuitFidelity(noise: NoiseModel, counts: { oneQubit: number; twoQubit: number }): number {
  return (
    (1 - (noise.depolarizing1q ?? 0)) ** counts.oneQubit *
    (1 - (noise.depolarizing2q ?? 0)) ** counts.twoQubit
  );
}

/** Applies global depolarising (fidelity F) then independent per-bit readout flips, in place. */
export function applyNoise(probs: Float64Array, numQubits: number, fidelity: number, readout: number): void {
  const size = probs.length;
  if (fidelity < 1) {
    const floor = (1 - fidelity) / size;
    for (let i = 0; i < size; i++) probs[i] = fidelity * probs[i]! + floor;
  }
  if (readout > 0) {
    const keep = 1 - readout;
    for (let q = 0; q < numQubits; q++) {
      const stride = 1 << q;
      for (let base = 0; base < size; base += stride << 1)
        for (let i = base; i < base + stride; i++) {
          const a = probs[i]!;
          const b = probs[i + stride]!;
          probs[i] = keep * a + readout * b;
          probs[i + stride] = keep * b + readout * a;
        }
    }
  }
}

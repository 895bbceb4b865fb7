import { OptimizerInputError } from "./errors.js";

/** |a − b| ≤ absolute + relative·max(|a|, |b|); both default to 0 (exact equality). */
export interface Tolerance {
  readonly absolute?: number;
  readonly relative?: number;
}

/**
 * Equality up to floating-point noise, with an absolute part (for values near zero) and a
 * relative part (for large values). Used wherever two costs are compared to pick a winner.
 *
 * @example
 * nearlyEqual(-0.0123, -0.0123 + 3e-18, { absolute: 1e-12, relative: 1e-9 }); // true
 */
export function nearlyEqual(a: number, b: number, tolerance: Tolerance = {}): boolean {
  const abs = tolerance.absolute ?? 0;
  const rel = tolerance.relative ?? 0;
  if (!(Number.isFinite(abs) && abs >= 0 && Number.isFinite(rel) && rel >= 0))
    throw new OptimizerInputError(
      `tolerance must have finite absolute and relative parts ≥ 0, got ${abs} and ${rel}`,
    );
  if (a === b) return true;
  return Math.abs(a - b) <= abs + rel * Math.max(Math.abs(a), Math.abs(b));
}

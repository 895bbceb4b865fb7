import { OptimizerInputError } from "./errors.js";
import { nearlyEqual } from "./nearlyEqual.js";
import type { Tolerance } from "./nearlyEqual.js";

export interface WilcoxonResult {
  /** Non-zero differences used (pairs that differ by more than the tolerance). */
  readonly n: number;
  /** Pairs equal within the tolerance: neither side wins. */
  readonly ties: number;
  /** Sum of ranks of positive differences. */
  readonly wPlus: number;
  readonly z: number;
  /** Two-sided p-value (normal approximation with tie and continuity corrections). */
  readonly p: number;
}

/**
 * Wilcoxon signed-rank test on paired samples a[i] vs b[i] (H0: the differences are symmetric
 * about 0). Pairs equal within the tolerance are ties and dropped (counted in `ties`): without one,
 * two solvers returning the same portfolio through different summation orders "differ" by 1e-18
 * and that rounding noise is ranked as wins. Tied |differences| get average ranks. Uses the normal
 * approximation, fine for the n ≥ 20 comparisons in the benchmarks.
 *
 * @example
 * wilcoxonSignedRank(qaoaRatios, annealingRatios, { absolute: 1e-9, relative: 1e-9 }).p;
 */
export function wilcoxonSignedRank(
  a: readonly number[],
  b: readonly number[],
  tolerance: Tolerance = {},
): WilcoxonResult {
  if (a.length !== b.length)
    throw new OptimizerInputError(`paired samples differ in length: ${a.length} vs ${b.length}`);
  const d: number[] = [];
  let ties = 0;
  a.forEach((x, i) => {
    const y = b[i]!;
    if (!Number.isFinite(x - y)) return;
    if (nearlyEqual(x, y, tolerance)) ties++;
    else d.push(x - y);
  });
  const n = d.length;
  if (n === 0) return { n: 0, ties, wPlus: 0, z: 0, p: 1 };
  const order = d.map((_, i) => i).sort((i, j) => Math.abs(d[i]!) - Math.abs(d[j]!));
  const rank = new Float64Array(n);
  let tieCorrection = 0;
  for (let s = 0; s < n;) {
    let e = s;
    while (e + 1 < n && Math.abs(d[order[e + 1]!]!) === Math.abs(d[order[s]!]!)) e++;
    const avg = (s + e + 2) / 2;
    for (let t = s; t <= e; t++) rank[order[t]!] = avg;
    const size = e - s + 1;
    tieCorrection += size ** 3 - size;
    s = e + 1;
  }
  let wPlus = 0;
  for (let i = 0; i < n; i++) if (d[i]! > 0) wPlus += rank[i]!;
  const mean = (n * (n + 1)) / 4;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieCorrection / 48;
  if (variance <= 0) return { n, ties, wPlus, z: 0, p: 1 };
  const diff = wPlus - mean;
  const z = (diff - 0.5 * Math.sign(diff)) / Math.sqrt(variance);
  return { n, ties, wPlus, z, p: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) };
}

/** Standard normal CDF via erf (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp((-x * x) / 2);
  return x >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

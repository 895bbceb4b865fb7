import { OptimizerInputError } from "./errors.js";

export interface ShrunkCovariance {
  /** n×n row-major covariance after shrinkage. */
  readonly covariance: Float64Array;
  /** Sample covariance (divisor T), the un-shrunk estimate. */
  readonly sample: Float64Array;
  /** Shrinkage intensity δ in [0, 1] toward the constant-correlation target. */
  readonly shrinkage: number;
  readonly n: number;
}

/**
 * Ledoit–Wolf (2004, "Honey, I shrunk the sample covariance matrix") shrinkage toward the
 * constant-correlation target. Sample covariance of a few dozen daily returns is noisy and often
 * near-singular; shrinking toward "every pair has the average correlation" keeps it positive
 * definite and stabilises the risk term the optimizer trades against return.
 *
 * @param returns T×n matrix of periodic returns (rows are dates, columns assets), T ≥ 2.
 * @example
 * const { covariance, shrinkage } = shrinkCovariance([[0.01, 0.02], [-0.01, 0.0], [0.02, 0.01]]);
 */
export function shrinkCovariance(returns: readonly (readonly number[])[]): ShrunkCovariance {
  const t = returns.length;
  if (t < 2) throw new OptimizerInputError(`returns needs at least 2 rows (dates), got ${t}`);
  const n = returns[0]!.length;
  if (n === 0) throw new OptimizerInputError("returns rows are empty: pass one column per asset");
  const x = new Float64Array(t * n);
  const mean = new Float64Array(n);
  for (let r = 0; r < t; r++) {
    const row = returns[r]!;
    if (row.length !== n)
      throw new OptimizerInputError(`returns row ${r} has ${row.length} columns, expected ${n}`);
    for (let i = 0; i < n; i++) {
      const v = row[i]!;
      if (!Number.isFinite(v))
        throw new OptimizerInputError(
          `returns[${r}][${i}] is ${v}; drop or fill missing dates before calling`,
        );
      x[r * n + i] = v;
      mean[i]! += v / t;
    }
  }
  for (let r = 0; r < t; r++) for (let i = 0; i < n; i++) x[r * n + i]! -= mean[i]!;

  const s = new Float64Array(n * n);
  for (let r = 0; r < t; r++)
    for (let i = 0; i < n; i++) {
      const xi = x[r * n + i]!;
      for (let j = i; j < n; j++) s[i * n + j]! += (xi * x[r * n + j]!) / t;
    }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) s[i * n + j] = s[j * n + i]!;

  const sd = new Float64Array(n);
  for (let i = 0; i < n; i++) sd[i] = Math.sqrt(s[i * n + i]!);

  // Average off-diagonal correlation; constant columns (sd = 0) contribute zero correlation.
  let rSum = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      const d = sd[i]! * sd[j]!;
      rSum += d > 0 ? s[i * n + j]! / d : 0;
    }
  const rBar = n > 1 ? (2 * rSum) / (n * (n - 1)) : 0;

  const f = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) f[i * n + j] = i === j ? s[i * n + i]! : rBar * sd[i]! * sd[j]!;

  // π: sum of asymptotic variances of the sample covariance entries.
  // ρ: asymptotic covariance between target and sample (diagonal part exact, off-diagonal via θ).
  let pi = 0;
  let rho = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const sij = s[i * n + j]!;
      let piij = 0;
      let thetaIi = 0;
      let thetaJj = 0;
      for (let r = 0; r < t; r++) {
        const xi = x[r * n + i]!;
        const xj = x[r * n + j]!;
        const dij = xi * xj - sij;
        piij += dij * dij;
        if (i !== j) {
          thetaIi += (xi * xi - s[i * n + i]!) * dij;
          thetaJj += (xj * xj - s[j * n + j]!) * dij;
        }
      }
      piij /= t;
      pi += piij;
      if (i === j) rho += piij;
      else if (sd[i]! > 0 && sd[j]! > 0)
        rho += (rBar / 2) * ((sd[j]! / sd[i]!) * (thetaIi / t) + (sd[i]! / sd[j]!) * (thetaJj / t));
    }
  let gamma = 0;
  for (let k = 0; k < n * n; k++) gamma += (f[k]! - s[k]!) ** 2;

  const delta = gamma > 0 ? Math.max(0, Math.min(1, (pi - rho) / gamma / t)) : 1;
  const c = new Float64Array(n * n);
  for (let k = 0; k < n * n; k++) c[k] = delta * f[k]! + (1 - delta) * s[k]!;
  return { covariance: c, sample: s, shrinkage: delta, n };
}

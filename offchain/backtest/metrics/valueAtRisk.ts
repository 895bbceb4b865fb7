/** Loss figures are positive fractions of equity (a VaR of 0.05 = lose 5 % or more with prob. α). */
export interface VarReport {
  readonly confidence: number;
  readonly historicalVar: number;
  readonly historicalCvar: number;
  readonly parametricVar: number;
  readonly parametricCvar: number;
  readonly observations: number;
}

/**
 * One-period value at risk and expected shortfall at `confidence` (e.g. 0.95) from a return series:
 * historical (empirical quantile; CVaR = mean of returns at or below it) and parametric (normal with
 * the sample mean and standard deviation). Empty input gives zeros.
 */
export function valueAtRisk(returns: readonly number[], confidence = 0.95): VarReport {
  const n = returns.length;
  if (n === 0)
    return {
      confidence,
      historicalVar: 0,
      historicalCvar: 0,
      parametricVar: 0,
      parametricCvar: 0,
      observations: 0,
    };
  const a = 1 - confidence;
  const sorted = [...returns].sort((x, y) => x - y);
  const k = Math.max(0, Math.min(n - 1, Math.floor(a * n)));
  const q = sorted[k]!;
  let tail = 0;
  for (let i = 0; i <= k; i++) tail += sorted[i]!;
  const mean = returns.reduce((s, r) => s + r, 0) / n;
  const sd = n > 1 ? Math.sqrt(returns.reduce((s, r) => s + (r - mean) ** 2, 0) / (n - 1)) : 0;
  const z = inverseNormal(a);
  const phi = Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
  return {
    confidence,
    historicalVar: Math.max(0, -q),
    historicalCvar: Math.max(0, -tail / (k + 1)),
    parametricVar: Math.max(0, -(mean + sd * z)),
    parametricCvar: Math.max(0, -(mean - (sd * phi) / a)),
    observations: n,
  };
}

/** Φ⁻¹(p) by Acklam's rational approximation (relative error < 1.2e-9). */
export function inverseNormal(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`inverseNormal needs 0 < p < 1, got ${p}`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -inverseNormal(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

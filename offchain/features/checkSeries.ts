import { FeatureInputError } from "./errors.js";

/**
 * Validates an indicator's input from `from` on: every value finite (and > 0 when `positive`), and
 * the period a positive integer. Throws `FeatureInputError` naming the first bad index.
 */
export function checkSeries(
  name: string,
  x: ArrayLike<number>,
  period: number,
  options: { from?: number; positive?: boolean } = {},
): void {
  if (!Number.isInteger(period) || period < 1)
    throw new FeatureInputError(`${name}: period must be a positive integer, got ${period}`);
  for (let i = options.from ?? 0; i < x.length; i++) {
    const v = x[i]!;
    if (!Number.isFinite(v) || (options.positive && v <= 0))
      throw new FeatureInputError(
        `${name}: value at index ${i} is ${v}; clean or drop the record before computing features`,
      );
  }
}

import { ModelInputError } from "./errors.js";

/** Per-column mean and standard deviation learnt on training rows; applied to every later row. */
export interface Standardiser {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/**
 * Fits a standardiser; a constant column gets std 1 so it maps to 0 instead of NaN.
 *
 * @example
 * const s = fitStandardiser(rows); standardise(s, rows[0])
 */
export function fitStandardiser(rows: readonly Float64Array[]): Standardiser {
  if (rows.length === 0) throw new ModelInputError("fitStandardiser: no rows");
  const k = rows[0]!.length;
  const mean = new Array<number>(k).fill(0);
  const std = new Array<number>(k).fill(0);
  for (const r of rows) for (let j = 0; j < k; j++) mean[j]! += r[j]!;
  for (let j = 0; j < k; j++) mean[j]! /= rows.length;
  for (const r of rows) for (let j = 0; j < k; j++) std[j]! += (r[j]! - mean[j]!) ** 2;
  for (let j = 0; j < k; j++) {
    const sd = Math.sqrt(std[j]! / Math.max(1, rows.length - 1));
    std[j] = sd > 1e-12 ? sd : 1;
  }
  return { mean, std };
}

/** (row - mean) / std, as plain numbers. */
export function standardise(s: Standardiser, row: Float64Array): number[] {
  const out = new Array<number>(row.length);
  for (let j = 0; j < row.length; j++) out[j] = (row[j]! - s.mean[j]!) / s.std[j]!;
  return out;
}

import { SigilError } from "../errors/SigilError.js";

/**
 * Errors raised by feature computation. `FeatureInputError` means "fix the input" (too short a
 * series, a NaN price, a crossed book); `FeatureRangeError` means a caller asked for a row before an
 * indicator's warm-up ended.
 *
 * @example
 * try { sma(closes, 20) } catch (e) { if (e instanceof FeatureInputError) console.error(e.message) }
 */
export class FeatureError extends SigilError {
  override readonly name: string = "FeatureError";
}

/** Bad input: non-finite or non-positive prices, a period < 1, mismatched lengths, a crossed book. */
export class FeatureInputError extends FeatureError {
  override readonly name: string = "FeatureInputError";
}

/** A row inside an indicator's warm-up period was requested; read from `validFrom` on. */
export class FeatureRangeError extends FeatureError {
  override readonly name: string = "FeatureRangeError";
}

import { ModelInputError } from "./errors.js";
import type { PredictInput } from "./PredictInput.js";

/**
 * Refuses input built with another feature set or too short a history, and non-finite values.
 */
export function checkPredictInput(
  model: string,
  input: PredictInput,
  expected: { featuresVersion: string; columns: readonly string[]; lookback: number },
): void {
  if (input.featuresVersion !== expected.featuresVersion)
    throw new ModelInputError(
      `${model}: trained on features ${expected.featuresVersion}, got ${input.featuresVersion}; retrain or rebuild features with the trained version`,
    );
  if (input.columns.join(",") !== expected.columns.join(","))
    throw new ModelInputError(
      `${model}: feature columns differ from training (${expected.columns.join(",")})`,
    );
  for (const a of input.assets) {
    if (a.rows.length < expected.lookback)
      throw new ModelInputError(
        `${model}: ${a.symbol} has ${a.rows.length} rows, needs ${expected.lookback}`,
      );
    for (const r of a.rows)
      if (r.length !== expected.columns.length || r.some((v) => !Number.isFinite(v)))
        throw new ModelInputError(`${model}: ${a.symbol} has a malformed or non-finite feature row`);
  }
}

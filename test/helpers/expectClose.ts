import { assert } from "chai";

/**
 * `|actual - expected| <= delta` for plain numbers. Hardhat's chai matchers override chai's `closeTo`
 * for bigints and wrongly send non-integer numbers down the bigint path, so float tests use this.
 */
export function expectClose(
  actual: number | undefined,
  expected: number,
  delta: number,
  message?: string,
): void {
  assert.isDefined(actual, message);
  assert.isFinite(actual, message);
  const diff = Math.abs(actual! - expected);
  assert.isAtMost(
    diff,
    delta,
    `${message ? message + ": " : ""}expected ${actual} to be within ${delta} of ${expected}`,
  );
}

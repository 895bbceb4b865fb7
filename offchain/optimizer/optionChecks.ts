import { OptimizerConfigError } from "./errors.js";

/**
 * Checks for numeric and enumerated options, shared by every optimizer entry point so a NaN, a
 * fractional count or a misspelt name is refused with the same typed error wherever it is passed.
 * `undefined` always passes (the caller's default applies).
 *
 * @example
 * checkInteger("qaoa.p", options.p, 1, 64);
 */
export function checkInteger(name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max)
    throw new OptimizerConfigError(
      `${name} must be an integer in [${min}, ${max === Number.MAX_SAFE_INTEGER ? "∞" : max}], got ${String(value)}`,
    );
}

/** A finite number in [min, max] (or (min, max] when `exclusiveMin`). */
export function checkFinite(
  name: string,
  value: unknown,
  min: number,
  max = Number.MAX_VALUE,
  exclusiveMin = false,
): void {
  if (value === undefined) return;
  const ok =
    typeof value === "number" &&
    Number.isFinite(value) &&
    (exclusiveMin ? value > min : value >= min) &&
    value <= max;
  if (!ok)
    throw new OptimizerConfigError(
      `${name} must be a finite number in ${exclusiveMin ? "(" : "["}${min}, ${max === Number.MAX_VALUE ? "∞" : max}], got ${String(value)}`,
    );
}

/** A seed: any safe integer (the PRNG uses its low 32 bits). */
export function checkSeed(name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isSafeInteger(value))
    throw new OptimizerConfigError(`${name} must be an integer, got ${String(value)}`);
}

/** One of `allowed`; the message lists them. */
export function checkOneOf(name: string, value: unknown, allowed: readonly string[]): void {
  if (value === undefined) return;
  if (typeof value !== "string" || !allowed.includes(value))
    throw new OptimizerConfigError(
      `${name} is ${JSON.stringify(value) ?? String(value)}; valid values are ${allowed.join(", ")}`,
    );
}

/** A plain object whose keys are all in `known` (a misspelt key is an error, not ignored). */
export function checkKeys(name: string, value: unknown, known: readonly string[]): void {
  if (value === undefined) return;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new OptimizerConfigError(`${name} must be an object, got ${String(value)}`);
  for (const key of Object.keys(value))
    if (!known.includes(key))
      throw new OptimizerConfigError(`${name} has unknown option "${key}"; known: ${known.join(", ")}`);
}

/**
 * Herfindahl–Hirschman index of a book: Σ (|w_i| / Σ|w|)², from 1/n (evenly spread) to 1 (one
 * position); 0 for an empty book. `effectiveN` = 1/HHI is the number of equal positions it equals.
 */
export function concentration(weights: Readonly<Record<string, number>>): {
  hhi: number;
  effectiveN: number;
} {
  let gross = 0;
  for (const w of Object.values(weights)) gross += Math.abs(w);
  if (gross === 0) return { hhi: 0, effectiveN: 0 };
  let hhi = 0;
  for (const w of Object.values(weights)) hhi += (Math.abs(w) / gross) ** 2;
  return { hhi, effectiveN: 1 / hhi };
}

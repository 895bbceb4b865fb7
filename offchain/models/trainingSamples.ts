import type { ModelDataset } from "./ModelDataset.js";

/** One supervised example: asset index and the decision index t (features ..t, target t → t+1). */
export interface Sample {
  readonly asset: number;
  readonly t: number;
}

/**
 * Every (asset, t) with `lookback` rows of history, a realised next-period target and no gap,
 * ordered by time then asset (a fixed order, so seeded shuffles are reproducible).
 *
 * @example
 * trainingSamples(ds, 10).length
 */
export function trainingSamples(ds: ModelDataset, lookback: number): Sample[] {
  const out: Sample[] = [];
  for (let t = lookback - 1; t < ds.targetOk.length; t++) {
    if (!ds.targetOk[t]) continue;
    // a window that straddles a gap mixes periods; skip it too
    let gap = false;
    for (let j = t - lookback + 1; j < t && !gap; j++) gap = !ds.targetOk[j];
    if (gap) continue;
    for (let a = 0; a < ds.symbols.length; a++) out.push({ asset: a, t });
  }
  return out;
}

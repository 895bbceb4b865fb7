import { isActive } from "./isActive.js";
import type { ModelDataset } from "./ModelDataset.js";

/** One supervised example: asset index and the decision index t (features ..t, target t → t+1). */
export interface Sample {
  readonly asset: number;
  readonly t: number;
}

/**
 * Every (asset, t) with `lookback` rows of history, a realised next-period target and no gap,
 * the asset trading over the whole window and the target (its own span, not every asset's),
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
    for (let a = 0; a < ds.symbols.length; a++)
      if (isActive(ds, a, t - lookback + 1, t + 1)) out.push({ asset: a, t });
  }
  return out;
}

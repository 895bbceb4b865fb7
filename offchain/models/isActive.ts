import type { ModelDataset } from "./ModelDataset.js";

/** Whether `asset` trades (has valid features) at every grid index in [from, to] of `ds`. */
export function isActive(ds: ModelDataset, asset: number, from: number, to: number): boolean {
  const a = ds.active?.[asset];
  if (!a) return true;
  for (let t = from; t <= to; t++) if (!a[t]) return false;
  return true;
}

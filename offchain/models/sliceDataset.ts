import { ModelInputError } from "./errors.js";
import { hashFloat64 } from "./hashFloat64.js";
import type { ModelDataset } from "./ModelDataset.js";
import { createHash } from "node:crypto";

/**
 * The dataset restricted to grid indices [from, to). Targets keep only t < to - 1, so a model
 * trained on the slice never sees a price after the close of candle to - 1: this is the walk-forward
 * training window.
 *
 * @example
 * const train = sliceDataset(ds, 0, 500); // decisions at 0..498 with their realised returns
 */
export function sliceDataset(ds: ModelDataset, from: number, to: number): ModelDataset {
  const T = ds.timestamps.length;
  if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from + 2 <= to && to <= T))
    throw new ModelInputError(`sliceDataset: need 0 <= from, from + 2 <= to <= ${T}; got [${from}, ${to})`);
  const timestamps = ds.timestamps.slice(from, to);
  const closes = ds.closes.map((c) => c.slice(from, to));
  const h = createHash("sha256").update(JSON.stringify(ds.symbols));
  return {
    ...ds,
    timestamps,
    rows: ds.rows.map((r) => r.slice(from, to)),
    closes,
    targets: ds.targets.map((y) => y.slice(from, to - 1)),
    targetOk: ds.targetOk.slice(from, to - 1),
    ...(ds.active ? { active: ds.active.map((a) => a.slice(from, to)) } : {}),
    dataHash: hashFloat64(h, [timestamps, ...closes]).digest("hex"),
  };
}

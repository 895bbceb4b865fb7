/**
 * Feature rows and next-period targets of several assets on one common time grid. Everything at
 * index t is known at the close of candle t: `rows[a][t]` reads candles ..t only, and `targets[a][t]`
 * = ln(close[t+1] / close[t]) is what a decision at t earns over the next period.
 */
export interface ModelDataset {
  readonly symbols: readonly string[];
  readonly columns: readonly string[];
  readonly featuresVersion: string;
  /** Candle open times (ms) of the common grid, ascending. */
  readonly timestamps: Float64Array;
  /** rows[asset][t]: feature vector (all finite). */
  readonly rows: readonly (readonly Float64Array[])[];
  /** closes[asset][t]. */
  readonly closes: readonly Float64Array[];
  /**
   * targets[asset][t] for t < length - 1 where `targetOk[t]` is 1; the grid may have gaps (a missing
   * candle in any asset), and a return across a gap is not a one-period target.
   */
  readonly targets: readonly Float64Array[];
  readonly targetOk: Uint8Array;
  /**
   * active[asset][t] = 1 while the asset trades and has valid features at t (a dataset built with
   * `span: "each"`, where assets list and stop at their own times); absent: every asset is active
   * at every grid point. Rows, closes and targets of inactive points are zeros and never used.
   */
  readonly active?: readonly Uint8Array[];
  /** sha256 of the symbols, timestamps and closes (the raw inputs the rows derive from). */
  readonly dataHash: string;
}

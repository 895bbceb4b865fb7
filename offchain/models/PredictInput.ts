/**
 * What a model sees at one decision time: for each asset the most recent feature rows, oldest
 * first, the last one being the decision candle's. Nothing later than the decision exists here.
 */
export interface PredictInput {
  readonly featuresVersion: string;
  readonly columns: readonly string[];
  /** Decision time: open time of the last candle whose close the rows include, ms. */
  readonly timestamp: number;
  readonly assets: readonly { readonly symbol: string; readonly rows: readonly Float64Array[] }[];
}

/** The cross-section of one decision time: scores and realised returns of each asset. */
export interface DecisionDate {
  readonly timestamp: number;
  readonly scores: readonly number[];
  readonly realized: readonly number[];
}

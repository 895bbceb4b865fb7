/**
 * One indicator over one series. `values[i]` is meaningful only for `i >= validFrom`; earlier slots
 * hold NaN as a placeholder and must never be read (`FeatureFrame` only hands out valid rows).
 * `validFrom === values.length` means the series was too short to produce any value.
 */
export interface Indicator {
  readonly values: Float64Array;
  readonly validFrom: number;
}

import { FeatureError, FeatureInputError, FeatureRangeError } from "./errors.js";

/** One named column of a frame: an indicator's values and the first index where they are valid. */
export interface FeatureColumn {
  readonly name: string;
  readonly values: Float64Array;
  readonly validFrom: number;
}

/** The rows a consumer may read: only indices from the frame's `validFrom` on, never NaN. */
export interface ValidRows {
  readonly timestamps: Float64Array;
  /** Index into the frame of `rows[0]`. */
  readonly offset: number;
  readonly rows: readonly Float64Array[];
}

/**
 * Features of one symbol over time. Columns keep their own warm-up (`validFrom`); the frame is valid
 * from the latest of them, and every accessor refuses earlier rows, so NaN placeholders never leak
 * into a model. Construction checks that no column holds a non-finite value after its warm-up.
 *
 * @example
 * const frame = buildFeatureFrame(series); const { rows } = frame.validRows();
 */
export class FeatureFrame {
  readonly validFrom: number;
  readonly names: readonly string[];

  constructor(
    readonly symbol: string,
    readonly timestamps: Float64Array,
    readonly columns: readonly FeatureColumn[],
    readonly featuresVersion: string,
  ) {
    if (columns.length === 0) throw new FeatureInputError(`FeatureFrame ${symbol}: no columns`);
    let from = 0;
    for (const c of columns) {
      if (c.values.length !== timestamps.length)
        throw new FeatureInputError(
          `FeatureFrame ${symbol}: column ${c.name} has ${c.values.length} values for ${timestamps.length} timestamps`,
        );
      for (let i = c.validFrom; i < c.values.length; i++)
        if (!Number.isFinite(c.values[i]!))
          throw new FeatureError(
            `FeatureFrame ${symbol}: column ${c.name} is ${c.values[i]} at index ${i} after its warm-up (${c.validFrom}); this is a bug in the indicator or its input`,
          );
      from = Math.max(from, c.validFrom);
    }
    this.validFrom = Math.min(from, timestamps.length);
    this.names = columns.map((c) => c.name);
  }

  get length(): number {
    return this.timestamps.length;
  }

  /** Number of valid rows. */
  get validLength(): number {
    return this.length - this.validFrom;
  }

  /** Feature vector at index t (a fresh array in `names` order); throws inside the warm-up. */
  row(t: number): Float64Array {
    if (!Number.isInteger(t) || t < this.validFrom || t >= this.length)
      throw new FeatureRangeError(
        `FeatureFrame ${this.symbol}: row ${t} is outside the valid range ${this.validFrom}..${this.length - 1}`,
      );
    const r = new Float64Array(this.columns.length);
    for (let c = 0; c < this.columns.length; c++) r[c] = this.columns[c]!.values[t]!;
    return r;
  }

  /** Valid values of one column (a view from `validFrom` on). */
  column(name: string): Float64Array {
    const c = this.columns.find((x) => x.name === name);
    if (!c)
      throw new FeatureInputError(
        `FeatureFrame ${this.symbol}: no column "${name}" (have ${this.names.join(", ")})`,
      );
    return c.values.subarray(this.validFrom);
  }

  /** Index of the row with this timestamp, or -1. */
  indexOf(timestamp: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.timestamps[mid]!;
      if (v === timestamp) return mid;
      if (v < timestamp) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** All valid rows, oldest first. */
  validRows(): ValidRows {
    const rows: Float64Array[] = [];
    for (let t = this.validFrom; t < this.length; t++) rows.push(this.row(t));
    return { timestamps: this.timestamps.slice(this.validFrom), offset: this.validFrom, rows };
  }
}

import { DataInputError } from "../errors.js";

/**
 * Thresholds of the data-quality checks. Every loader path (CSV files, candle store) runs the same
 * checker with one of these; `parseDataQualityConfig` gives the defaults and refuses unknown keys.
 */
export interface DataQualityConfig {
  /** Any issue (sorted rows included) is an error instead of a repair or a flag. */
  readonly strict: boolean;
  /** A hole of more than this many missing bars is reported as a gap (holes are never filled). */
  readonly maxGapBars: number;
  /**
   * Spike test on each of open/high/low/close: a bar is a spike when its log move from the previous
   * bar AND back to the next one both exceed `spikeLogMove` (ln 4 ≈ 1.386: ×4 or more) in opposite
   * directions, and the next bar comes back to within `spikeRevertLog` of the previous one.
   */
  readonly spikeLogMove: number;
  readonly spikeRevertLog: number;
  /**
   * An asset with no candle for more than this many bars of the replay timeline is stale: it gets
   * no new weight, is written down while it does not trade, and leaves the benchmarks. Undefined:
   * three days' worth of bars (3 on 1d, 72 on 1h).
   */
  readonly staleAfterBars: number | undefined;
}

const DEFAULTS: DataQualityConfig = {
  strict: false,
  maxGapBars: 1,
  spikeLogMove: Math.log(4),
  spikeRevertLog: Math.log(1.5),
  staleAfterBars: undefined,
};

const KEYS = Object.keys(DEFAULTS) as ReadonlyArray<keyof DataQualityConfig>;

/** Defaults overridden by `raw`; unknown keys and out-of-range values are `DataInputError`s. */
export function parseDataQualityConfig(raw: Record<string, unknown> = {}): DataQualityConfig {
  for (const k of Object.keys(raw))
    if (!(KEYS as readonly string[]).includes(k))
      throw new DataInputError(`unknown data-quality setting "${k}" (known: ${KEYS.join(", ")})`);
  const merged = { ...DEFAULTS, ...raw } as Record<string, unknown>;
  if (typeof merged.strict !== "boolean") throw new DataInputError("data-quality strict must be a boolean");
  const int = (k: string, min: number): void => {
    const v = merged[k];
    if (!(typeof v === "number" && Number.isInteger(v) && v >= min))
      throw new DataInputError(`data-quality ${k} must be an integer ≥ ${min}, got ${String(v)}`);
  };
  int("maxGapBars", 0);
  if (merged.staleAfterBars !== undefined) int("staleAfterBars", 1);
  for (const k of ["spikeLogMove", "spikeRevertLog"]) {
    const v = merged[k];
    if (!(typeof v === "number" && Number.isFinite(v) && v > 0))
      throw new DataInputError(`data-quality ${k} must be a positive number, got ${String(v)}`);
  }
  return Object.freeze(merged as unknown as DataQualityConfig);
}

/** Bars of silence after which an asset is stale at this bar length. */
export function staleAfterBarsFor(config: DataQualityConfig, barMs: number): number {
  return config.staleAfterBars ?? Math.max(3, Math.round((3 * 86_400_000) / barMs));
}

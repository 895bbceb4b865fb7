import { parseDataQualityConfig } from "../data/quality/DataQualityConfig.js";
import type { DataQualityConfig } from "../data/quality/DataQualityConfig.js";
import { DataError as DataLayerError } from "../data/errors.js";
import { ConfigError } from "../engine/errors.js";

/** Flags of the data-quality checks, shared by every command that loads candles. */
export const DATA_QUALITY_OPTIONS = {
  strict: { type: "boolean", default: false },
  "max-gap-bars": { type: "string" },
  "spike-factor": { type: "string" },
  "stale-after": { type: "string" },
} as const;

export const DATA_QUALITY_HELP = `Data quality (every loaded row is checked; counts are printed and kept in the report):
  --strict                   any out-of-order, duplicate, impossible (≤ 0, non-finite, high < low,
                             open/close outside [low, high]) or spike row, or long gap, is an error
                             (default: sort, drop or flag them, and say so)
  --max-gap-bars N           report holes of more than N missing bars (default 1)
  --spike-factor F           a bar ×F or more (or 1/F) away from both neighbours that reverts is a
                             spike and is dropped (default 4)
  --stale-after N            an asset with no candle for N bars is stale: no new weight, written
                             down while silent, out of the benchmarks (default 3 days of bars)`;

/** The data-quality config the flags name (defaults otherwise). */
export function qualityFromFlags(v: Record<string, unknown>): DataQualityConfig {
  const raw: Record<string, unknown> = { strict: v.strict === true };
  const num = (flag: string): number | undefined => {
    if (v[flag] === undefined) return undefined;
    const x = Number(v[flag]);
    if (!Number.isFinite(x)) throw new ConfigError(`--${flag} expects a number, got "${String(v[flag])}"`);
    return x;
  };
  const gap = num("max-gap-bars");
  if (gap !== undefined) raw.maxGapBars = gap;
  const spike = num("spike-factor");
  if (spike !== undefined) {
    if (!(spike > 1)) throw new ConfigError(`--spike-factor must be above 1, got ${spike}`);
    raw.spikeLogMove = Math.log(spike);
  }
  const stale = num("stale-after");
  if (stale !== undefined) raw.staleAfterBars = stale;
  try {
    return parseDataQualityConfig(raw);
  } catch (e) {
    if (e instanceof DataLayerError) throw new ConfigError(e.message.replace("data-quality ", "--"));
    throw e;
  }
}

import type { AssetDataQuality } from "../data/quality/DataQualityReport.js";
import { SigilError } from "../errors/SigilError.js";

/**
 * Error tree for the engine, backtester, run log, reports and CLI (under `SigilError`). Every class
 * is a user-facing problem with a message that says what was wrong and what to do; the CLI maps each
 * class to an exit code (offchain/cli/exitCodes.ts), prints `message` and `hint` without a stack
 * trace, and only shows stacks for unexpected errors.
 *
 * @example
 * try { loadCsvSeries(dir, "1d") } catch (e) { if (e instanceof MarketDataError) console.error(e.message) }
 */
export class EngineError extends SigilError {
  override readonly name: string = "EngineError";
}

/** Invalid configuration or arguments: unknown keys, out-of-range values. Fix the config. */
export class ConfigError extends EngineError {
  override readonly name: string = "ConfigError";
}

/**
 * Missing or malformed market data (bad CSV header, NaN, unsorted timestamps). Fix the data.
 * (Named apart from the data layer's `DataError`, which is about fetching from a source.)
 */
export class MarketDataError extends EngineError {
  override readonly name: string = "MarketDataError";
}

/**
 * `--strict` data quality: the data had rows the checker would sort, drop or flag. `assets` holds
 * the per-asset report (counts by kind, row references) so callers can show what was wrong.
 */
export class DataQualityError extends MarketDataError {
  override readonly name: string = "DataQualityError";
  readonly assets: readonly AssetDataQuality[];

  constructor(
    message: string,
    assets: readonly AssetDataQuality[],
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(message, options);
    this.assets = assets;
  }
}

/** A live (network) source was wired into a backtest. Backtests only replay offline data. */
export class LiveSourceInBacktestError extends EngineError {
  override readonly name: string = "LiveSourceInBacktestError";
}

/** The run log is malformed or its hash chain is broken. */
export class RunLogError extends EngineError {
  override readonly name: string = "RunLogError";
}

/** A venue refused an order (size, unknown symbol, insufficient funds). */
export class VenueError extends EngineError {
  override readonly name: string = "VenueError";
}

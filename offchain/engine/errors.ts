import type { AssetDataQuality } from "../data/quality/DataQualityReport.js";

/**
 * Error tree for the engine, backtester, run log, reports and CLI. Every class is a user-facing
 * problem with a message that says what was wrong and what to do; the CLI prints `message` (and
 * `hint`) without a stack trace for these and only shows stacks for unexpected errors.
 *
 * @example
 * try { loadCsvSeries(dir, "1d") } catch (e) { if (e instanceof DataError) console.error(e.message) }
 */
export class EngineError extends Error {
  override readonly name: string = "EngineError";
  /** What the operator should do about it. */
  readonly hint: string | undefined;

  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
  }
}

/** Invalid configuration or arguments: unknown keys, out-of-range values. Fix the config. */
export class ConfigError extends EngineError {
  override readonly name: string = "ConfigError";
}

/** Missing or malformed market data (bad CSV header, NaN, unsorted timestamps). Fix the data. */
export class DataError extends EngineError {
  override readonly name: string = "DataError";
}

/**
 * `--strict` data quality: the data had rows the checker would sort, drop or flag. `assets` holds
 * the per-asset report (counts by kind, row references) so callers can show what was wrong.
 */
export class DataQualityError extends DataError {
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

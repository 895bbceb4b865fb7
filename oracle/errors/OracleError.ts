import { SigilError, type SigilErrorOptions } from "../../offchain/errors/SigilError.js";

/**
 * Base of every error the oracle node raises on purpose (under the shared `SigilError`): a short
 * message, an optional human-readable `detail` (also in `details.detail`) and the cause. Whether a
 * chain error is worth retrying is decided by `classifyChainError` on top of `classifyFailure`.
 */
export class OracleError extends SigilError {
  override readonly name: string = "OracleError";
  /** The human-readable detail (what a refused proposer is told as `detail`). */
  readonly detail: string | undefined;

  constructor(message: string, detail?: string, options: SigilErrorOptions = {}) {
    super(message, detail === undefined ? options : { ...options, details: { detail, ...options.details } });
    this.detail = detail;
  }
}

/** Configuration or keystore problems: the operator must fix them; the node does not start. */
export class OracleConfigError extends OracleError {
  override readonly name: string = "OracleConfigError";
}

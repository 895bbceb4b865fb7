/**
 * Base of every error the oracle node raises on purpose: a short message, optional details and the
 * cause. Whether an error is worth retrying is decided in one place, `classifyChainError`.
 */
export class OracleError extends Error {
  override name = "OracleError";
  constructor(
    message: string,
    readonly details?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Configuration or keystore problems: the operator must fix them; the node does not start. */
export class OracleConfigError extends OracleError {
  override name = "OracleConfigError";
}

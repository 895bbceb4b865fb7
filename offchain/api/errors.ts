/**
 * Error tree of the REST API. Every error a handler throws becomes a JSON body
 * `{ error: { code, message, details? } }` with the class's HTTP status; anything else is a 500
 * whose message is not leaked. Retryable (429, 503) versus fatal (4xx) is decided here, once.
 *
 * @example
 * throw new NotFoundError("RUN_NOT_FOUND", `no run directory named ${id}`);
 */
export class ApiError extends Error {
  override readonly name: string = "ApiError";

  constructor(
    /** HTTP status sent to the client. */
    readonly status: number,
    /** Stable machine-readable code (SCREAMING_SNAKE), part of the API contract. */
    readonly code: string,
    message: string,
    /** Extra structured information, e.g. the fields that failed validation. */
    readonly details?: unknown,
    /** Seconds the client should wait before retrying (sent as `Retry-After`). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Malformed input: unknown or invalid query parameters, bad path parameters. Fix the request. */
export class BadRequestError extends ApiError {
  override readonly name: string = "BadRequestError";
  constructor(message: string, details?: unknown) {
    super(400, "BAD_REQUEST", message, details);
  }
}

/** No API key, or one that is unknown, malformed or revoked. */
export class UnauthorizedError extends ApiError {
  override readonly name: string = "UnauthorizedError";
  constructor(code: "MISSING_API_KEY" | "INVALID_API_KEY" | "REVOKED_API_KEY", message: string) {
    super(401, code, message);
  }
}

/** The resource does not exist (unknown route, run, backtest or model). */
export class NotFoundError extends ApiError {
  override readonly name: string = "NotFoundError";
  constructor(code: string, message: string) {
    super(404, code, message);
  }
}

/** Too many requests: the key's token bucket is empty (retry soon) or its daily quota is used up. */
export class TooManyRequestsError extends ApiError {
  override readonly name: string = "TooManyRequestsError";
  constructor(code: "RATE_LIMITED" | "QUOTA_EXCEEDED", message: string, retryAfterSeconds: number) {
    super(429, code, message, undefined, retryAfterSeconds);
  }
}

/** A dependency (RPC node, deployment) is not available; retry later. */
export class UnavailableError extends ApiError {
  override readonly name: string = "UnavailableError";
  constructor(code: string, message: string, retryAfterSeconds = 5) {
    super(503, code, message, undefined, retryAfterSeconds);
  }
}

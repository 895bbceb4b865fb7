import { SigilError } from "../errors/SigilError.js";

/**
 * Error tree of the REST API (under `SigilError`). Every error a handler throws becomes a JSON body
 * `{ error: { code, message, details? } }` with the class's HTTP status; anything else is a 500
 * whose message is not leaked. Retryable (429, 503: the classes that send `Retry-After`) versus
 * fatal (4xx, a 500 for a broken deployment file) is each class's `retryable`.
 *
 * @example
 * throw new NotFoundError("RUN_NOT_FOUND", `no run directory named ${id}`);
 */
export class ApiError extends SigilError {
  override readonly name: string = "ApiError";

  constructor(
    /** HTTP status sent to the client. */
    readonly status: number,
    /** Stable machine-readable code (SCREAMING_SNAKE), part of the API contract. */
    readonly code: string,
    message: string,
    /** Extra information sent to the client as `details`, e.g. the fields that failed validation. */
    readonly clientDetails?: unknown,
    /** Seconds the client should wait before retrying (sent as `Retry-After`). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message, {
      details: { status, code, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) },
    });
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
  static override readonly retryable: boolean = true;
  override readonly name: string = "TooManyRequestsError";
  constructor(code: "RATE_LIMITED" | "QUOTA_EXCEEDED", message: string, retryAfterSeconds: number) {
    super(429, code, message, undefined, retryAfterSeconds);
  }
}

/** A dependency (RPC node, deployment) is not available; retry later. */
export class UnavailableError extends ApiError {
  static override readonly retryable: boolean = true;
  override readonly name: string = "UnavailableError";
  constructor(code: string, message: string, retryAfterSeconds = 5) {
    super(503, code, message, undefined, retryAfterSeconds);
  }
}

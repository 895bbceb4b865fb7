import { EngineError } from "../engine/errors.js";
import { parseRetryAfter } from "../data/parseRetryAfter.js";
import { classifyFailure } from "../errors/classify.js";
import type { SigilErrorOptions } from "../errors/SigilError.js";

/**
 * The execution layer's error tree (under the engine's `EngineError`). Callers branch on the class
 * or on `retryable`, never on message text. `classifyFailure` decides whether a foreign error is
 * retryable; `classifyVenueError` only adds what is specific to orders (a POST's unknown outcome).
 *
 * - retryable: the same request may succeed later and repeating it cannot double an order
 *   (every read; an order POST the venue refused before processing, e.g. 429).
 * - `OrderOutcomeUnknownError`: an order POST that may or may not have reached the matching engine
 *   (timeout, dropped connection, 5xx after send). Never retried; reconciled by client order id.
 * - fatal: an operator or a code change is needed (auth, invalid order, insufficient funds).
 */
export class ExecutionError extends EngineError {
  override readonly name: string = "ExecutionError";
}

/** Worth retrying after a backoff. */
export class RetryableVenueError extends ExecutionError {
  static override readonly retryable: boolean = true;
  override readonly name: string = "RetryableVenueError";
}

/** HTTP 429/418 or a throttle code: wait at least `retryAfterMs` (when the venue said). */
export class VenueRateLimitedError extends RetryableVenueError {
  override readonly name: string = "VenueRateLimitedError";
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    options: SigilErrorOptions = {},
  ) {
    super(
      message,
      retryAfterMs === undefined ? options : { ...options, details: { retryAfterMs, ...options.details } },
    );
  }
}

/** No answer in time, connection reset, 5xx on a read. */
export class VenueUnavailableError extends RetryableVenueError {
  override readonly name: string = "VenueUnavailableError";
}

/** An order POST whose outcome is unknown. Reconcile by `clientOrderId`; never resend blindly. */
export class OrderOutcomeUnknownError extends ExecutionError {
  override readonly name: string = "OrderOutcomeUnknownError";
  constructor(
    message: string,
    readonly clientOrderId: string,
    options: SigilErrorOptions = {},
  ) {
    super(message, {
      ...options,
      details: { clientOrderId, ...options.details },
      hint: "the engine reconciles it by client order id before trading on",
    });
  }
}

/** The venue refused the order (invalid size/price, insufficient funds, unknown symbol). */
export class OrderRejectedError extends ExecutionError {
  override readonly name: string = "OrderRejectedError";
}

/**
 * An order about to be sent has no valid client order id (1-40 letters/digits). Thrown before
 * anything reaches the venue: without the id an unknown outcome cannot be reconciled and a replayed
 * request could book the order twice. A bug in the caller, never retried.
 */
export class MissingClientOrderIdError extends ExecutionError {
  override readonly name: string = "MissingClientOrderIdError";
}

/** The venue does not know the order (by id or client order id). */
export class OrderNotFoundError extends ExecutionError {
  override readonly name: string = "OrderNotFoundError";
}

/** Credentials missing, wrong, or without the permission needed (e.g. read-only key used to trade). */
export class VenueAuthError extends ExecutionError {
  override readonly name: string = "VenueAuthError";
}

/** Anything else the venue said that retrying will not fix. */
export class VenueFatalError extends ExecutionError {
  override readonly name: string = "VenueFatalError";
}

/** Key vault file missing, wrong passphrase, tampered or of an unknown version. */
export class KeyVaultError extends ExecutionError {
  override readonly name: string = "KeyVaultError";
}

export interface ClassifyContext {
  /** Venue name for messages. */
  readonly venue: string;
  /** Set for an order POST: transport failures then mean "outcome unknown", not "retry". */
  readonly clientOrderId?: string;
  /** Response headers of the failed call (for Retry-After). */
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly now: number;
}

/**
 * Any thrown value → the execution tree. `classifyFailure` says what it is; this adds the order
 * rule: for an order POST, a rate limit or a refusal means the venue did not act (safe to retry or
 * to report), while a retryable failure after which the venue may have acted (timeout, network
 * error, 5xx, garbled answer) means the outcome is unknown.
 */
export function classifyVenueError(e: unknown, ctx: ClassifyContext): ExecutionError {
  if (e instanceof ExecutionError) return e;
  const f = classifyFailure(e);
  const message = `${ctx.venue}: ${f.message}`;
  const opts = { cause: e };
  if (f.kind === "rate-limited") {
    const h = ctx.headers;
    const retryAfter = parseRetryAfter(h?.["Retry-After"] ?? h?.["retry-after"], ctx.now);
    return new VenueRateLimitedError(`rate limited: ${message}`, retryAfter, opts);
  }
  if (f.retryable) {
    if (ctx.clientOrderId !== undefined)
      return new OrderOutcomeUnknownError(`order outcome unknown: ${message}`, ctx.clientOrderId, opts);
    return new VenueUnavailableError(`unavailable: ${message}`, opts);
  }
  switch (f.kind) {
    case "not-found":
      return new OrderNotFoundError(message, opts);
    case "auth":
      return new VenueAuthError(`not authorised: ${message}`, {
        ...opts,
        hint: "check the API key and its permissions",
      });
    case "invalid-request":
    case "bad-symbol":
      return new OrderRejectedError(`refused: ${message}`, opts);
    default:
      // Unknown errors are fatal: retrying a bug only hides it.
      return new VenueFatalError(message, opts);
  }
}

import ccxt from "ccxt";

/**
 * The data layer's error tree. Callers branch on `retryable` or on the class, never on message
 * text. Retryable: the same request may succeed later (network, rate limit, timeout, 5xx,
 * truncated body). Fatal: retrying cannot help (bad symbol, auth, schema drift, bad arguments).
 * `classifyError` is the one place that decides, for our own, ccxt's and fetch's errors.
 *
 * @example
 * try { await source.fetchCandles(...) } catch (e) { if (toDataError(e).retryable) later() }
 */
export class DataError extends Error {
  override readonly name: string = "DataError";
  readonly retryable: boolean = false;
  /** Which source failed, e.g. "weex", "coingecko". */
  readonly source: string | undefined;

  constructor(message: string, options: { source?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.source = options.source;
  }
}

/** Base of everything worth retrying with backoff. */
export class RetryableDataError extends DataError {
  override readonly name: string = "RetryableDataError";
  override readonly retryable: boolean = true;
}

/** Connection refused/reset, DNS, TLS: the request may not have reached the source. */
export class NetworkDataError extends RetryableDataError {
  override readonly name: string = "NetworkDataError";
}

/** HTTP 429/418 or the venue's throttle code. Wait `retryAfterMs` (when the source said) and retry. */
export class RateLimitedError extends RetryableDataError {
  override readonly name: string = "RateLimitedError";
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    options: { source?: string; cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

/** No answer within the deadline (ours or the source's 408/504). */
export class SourceTimeoutError extends RetryableDataError {
  override readonly name: string = "SourceTimeoutError";
}

/** 5xx or maintenance: the source is up but not serving. */
export class SourceUnavailableError extends RetryableDataError {
  override readonly name: string = "SourceUnavailableError";
}

/** The body was not valid JSON (truncated, an HTML error page): usually a transient proxy fault. */
export class MalformedPayloadError extends RetryableDataError {
  override readonly name: string = "MalformedPayloadError";
}

/** Base of everything that needs a person (or a code change) before trying again. */
export class FatalDataError extends DataError {
  override readonly name: string = "FatalDataError";
}

/** The source does not list this symbol: check the spelling and the venue's markets. */
export class BadSymbolError extends FatalDataError {
  override readonly name: string = "BadSymbolError";
}

/** Credentials missing or rejected: fix the API key; retrying will not help. */
export class AuthError extends FatalDataError {
  override readonly name: string = "AuthError";
}

/** The source refused the request as malformed or unsupported (e.g. a timeframe it lacks). */
export class SourceRejectedError extends FatalDataError {
  override readonly name: string = "SourceRejectedError";
}

/** Our own caller passed something invalid (from > to, unknown timeframe). Fix the call. */
export class DataInputError extends FatalDataError {
  override readonly name: string = "DataInputError";
}

/**
 * The source changed shape: a field is missing or renamed, a number arrived as text, a CSV grew a
 * column. Nothing was coerced. Update the schema (new version) or the adapter, then re-ingest.
 */
export class SchemaDriftError extends FatalDataError {
  override readonly name: string = "SchemaDriftError";
  constructor(
    readonly schema: string,
    readonly expected: string,
    readonly found: string,
    options: { source?: string; at?: string; cause?: unknown } = {},
  ) {
    super(
      `schema drift against ${schema}${options.at ? ` at ${options.at}` : ""}: expected ${expected}, found ${found}. ` +
        `Register a new schema version or fix the adapter; nothing was coerced.`,
      options,
    );
  }
}

/** Maps an HTTP status (and its Retry-After, already in ms) to our tree; undefined for 2xx/3xx. */
export function httpStatusError(
  status: number,
  detail: string,
  source: string,
  retryAfterMs?: number,
): DataError | undefined {
  if (status < 400) return undefined;
  const msg = `${source}: HTTP ${status} ${detail}`.trim();
  if (status === 429 || status === 418) return new RateLimitedError(msg, retryAfterMs, { source });
  if (status === 408 || status === 504) return new SourceTimeoutError(msg, { source });
  if (status >= 500) return new SourceUnavailableError(msg, { source });
  if (status === 401 || status === 403) return new AuthError(msg, { source });
  if (status === 404) return new BadSymbolError(msg, { source });
  return new SourceRejectedError(msg, { source });
}

/**
 * Any thrown value → our tree. ccxt's classes are mapped by their own hierarchy (most specific
 * first); fetch/undici failures by name and cause code; unknown errors are fatal, because
 * retrying a bug only hides it.
 */
export function classifyError(e: unknown, source: string, retryAfterMs?: number): DataError {
  if (e instanceof DataError) return e;
  const message = e instanceof Error ? e.message : String(e);
  const opts = { source, cause: e };
  if (e instanceof ccxt.RateLimitExceeded || e instanceof ccxt.DDoSProtection) {
    return new RateLimitedError(`${source}: rate limited: ${message}`, retryAfterMs, opts);
  }
  if (e instanceof ccxt.RequestTimeout)
    return new SourceTimeoutError(`${source}: timed out: ${message}`, opts);
  if (e instanceof ccxt.ExchangeNotAvailable)
    return new SourceUnavailableError(`${source}: unavailable: ${message}`, opts);
  if (e instanceof ccxt.NetworkError)
    return new NetworkDataError(`${source}: network error: ${message}`, opts);
  if (e instanceof ccxt.BadResponse)
    return new MalformedPayloadError(`${source}: bad response: ${message}`, opts);
  if (e instanceof ccxt.BadSymbol) return new BadSymbolError(`${source}: unknown symbol: ${message}`, opts);
  if (e instanceof ccxt.AuthenticationError || e instanceof ccxt.AccountSuspended) {
    return new AuthError(`${source}: authentication failed: ${message}`, opts);
  }
  if (e instanceof ccxt.BaseError) return new SourceRejectedError(`${source}: ${message}`, opts);
  if (e instanceof SyntaxError) return new MalformedPayloadError(`${source}: invalid JSON: ${message}`, opts);
  if (e instanceof Error && (e.name === "AbortError" || e.name === "TimeoutError")) {
    return new SourceTimeoutError(`${source}: timed out: ${message}`, opts);
  }
  const code = (e as { cause?: { code?: string } } | undefined)?.cause?.code;
  if (e instanceof TypeError && (message === "fetch failed" || code !== undefined)) {
    return new NetworkDataError(`${source}: network error: ${code ?? message}`, opts);
  }
  return new FatalDataError(`${source}: unexpected error: ${message}`, opts);
}

export function isRetryable(e: unknown, source = "unknown"): boolean {
  return classifyError(e, source).retryable;
}

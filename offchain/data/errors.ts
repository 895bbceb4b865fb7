import { classifyFailure, classifyHttpStatus, type FailureKind } from "../errors/classify.js";
import { SigilError, type SigilErrorOptions } from "../errors/SigilError.js";

/**
 * The data layer's error tree (under `SigilError`). Callers branch on `retryable` or on the class,
 * never on message text. Retryable: the same request may succeed later (network, rate limit,
 * timeout, 5xx, truncated body). Fatal: retrying cannot help (bad symbol, auth, schema drift, bad
 * arguments). Whether a foreign error is retryable is decided by `classifyFailure`; `classifyError`
 * only picks this tree's class for its verdict.
 *
 * @example
 * try { await source.fetchCandles(...) } catch (e) { if (classifyError(e, "weex").retryable) later() }
 */
export class DataError extends SigilError {
  override readonly name: string = "DataError";
  /** Which source failed, e.g. "weex", "coingecko". */
  readonly source: string | undefined;

  constructor(message: string, options: SigilErrorOptions & { source?: string } = {}) {
    const { source, ...rest } = options;
    super(message, source === undefined ? rest : { ...rest, details: { source, ...rest.details } });
    this.source = source;
  }
}

/** Base of everything worth retrying with backoff. */
export class RetryableDataError extends DataError {
  static override readonly retryable: boolean = true;
  override readonly name: string = "RetryableDataError";
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
    options: SigilErrorOptions & { source?: string } = {},
  ) {
    super(
      message,
      retryAfterMs === undefined ? options : { ...options, details: { retryAfterMs, ...options.details } },
    );
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
    const { at, ...rest } = options;
    super(
      `schema drift against ${schema}${at ? ` at ${at}` : ""}: expected ${expected}, found ${found}. ` +
        `Register a new schema version or fix the adapter; nothing was coerced.`,
      { ...rest, details: { schema, expected, found, ...(at === undefined ? {} : { at }) } },
    );
  }
}

type DataErrorClass = new (message: string, options: { source?: string; cause?: unknown }) => DataError;

/** This tree's class for each transport-level verdict (rate limits are built apart, with their wait). */
const BY_KIND: Readonly<Record<Exclude<FailureKind, "rate-limited">, readonly [DataErrorClass, string]>> = {
  timeout: [SourceTimeoutError, "timed out"],
  network: [NetworkDataError, "network error"],
  unavailable: [SourceUnavailableError, "unavailable"],
  "bad-response": [MalformedPayloadError, "bad response"],
  auth: [AuthError, "authentication failed"],
  "bad-symbol": [BadSymbolError, "unknown symbol"],
  "not-found": [SourceRejectedError, ""],
  "invalid-request": [SourceRejectedError, "refused"],
  refused: [SourceRejectedError, "refused"],
  unknown: [FatalDataError, "unexpected error"],
  sigil: [FatalDataError, "unexpected error"],
};

/** Maps an HTTP status (and its Retry-After, already in ms) to our tree; undefined for 2xx/3xx. */
export function httpStatusError(
  status: number,
  detail: string,
  source: string,
  retryAfterMs?: number,
): DataError | undefined {
  const kind = classifyHttpStatus(status);
  if (kind === undefined) return undefined;
  const msg = `${source}: HTTP ${status} ${detail}`.trim();
  if (kind === "rate-limited") return new RateLimitedError(msg, retryAfterMs, { source });
  // A 404 from a market-data endpoint means the symbol (or its market) is not listed.
  const Cls = kind === "not-found" ? BadSymbolError : BY_KIND[kind][0];
  return new Cls(msg, { source });
}

/**
 * Any thrown value → our tree. `classifyFailure` decides what it is (ccxt's classes, fetch/undici
 * failures, our own errors by their `retryable`); this only picks the class and the message.
 * Unknown errors are fatal, because retrying a bug only hides it.
 */
export function classifyError(e: unknown, source: string, retryAfterMs?: number): DataError {
  if (e instanceof DataError) return e;
  const f = classifyFailure(e);
  const opts = { source, cause: e };
  if (f.kind === "rate-limited")
    return new RateLimitedError(`${source}: rate limited: ${f.message}`, retryAfterMs, opts);
  if (f.kind === "sigil" && f.retryable) return new RetryableDataError(`${source}: ${f.message}`, opts);
  const [Cls, what] = BY_KIND[f.kind];
  const text = f.kind === "network" && f.code !== undefined ? f.code : f.message;
  const plain = f.kind === "refused" || f.kind === "invalid-request" || f.kind === "not-found";
  const message = plain ? `${source}: ${text}` : `${source}: ${what}: ${text}`;
  return new Cls(message, opts);
}

export function isRetryable(e: unknown, source = "unknown"): boolean {
  return classifyError(e, source).retryable;
}

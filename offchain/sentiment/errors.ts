/**
 * Errors of the sentiment pipeline, split the ccxt way: `NewsSourceRetryableError` (timeout, HTTP
 * 429/5xx, connection refused: try again later) versus `NewsSourceFatalError` (4xx other than 429, a
 * payload that is not the documented JSON: fix the configuration or the adapter). Callers branch on
 * the class.
 */
export class SentimentError extends Error {
  override readonly name: string = "SentimentError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** Bad arguments or a malformed local file; fix the input. */
export class SentimentInputError extends SentimentError {
  override readonly name: string = "SentimentInputError";
}

/** Base of news-source failures. */
export class NewsSourceError extends SentimentError {
  override readonly name: string = "NewsSourceError";
}

/** Transient: timeout, 429, 5xx, network failure. Safe to retry with backoff. */
export class NewsSourceRetryableError extends NewsSourceError {
  override readonly name: string = "NewsSourceRetryableError";
}

/** Permanent for this request: auth/4xx, or the payload is not the documented shape (schema drift). */
export class NewsSourceFatalError extends NewsSourceError {
  override readonly name: string = "NewsSourceFatalError";
}

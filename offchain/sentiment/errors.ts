import { SigilError } from "../errors/SigilError.js";

/**
 * Errors of the sentiment pipeline (under `SigilError`), split the ccxt way: `NewsSourceRetryableError` (timeout, HTTP
 * 429/5xx, connection refused: try again later) versus `NewsSourceFatalError` (4xx other than 429, a
 * payload that is not the documented JSON: fix the configuration or the adapter). Callers branch on
 * the class.
 */
export class SentimentError extends SigilError {
  override readonly name: string = "SentimentError";
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
  static override readonly retryable: boolean = true;
  override readonly name: string = "NewsSourceRetryableError";
}

/** Permanent for this request: auth/4xx, or the payload is not the documented shape (schema drift). */
export class NewsSourceFatalError extends NewsSourceError {
  override readonly name: string = "NewsSourceFatalError";
}

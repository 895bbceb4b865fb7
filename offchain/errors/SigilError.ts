/** What every Sigil error carries besides its message. */
export interface SigilErrorOptions {
  /** The error this one wraps (kept as the standard `Error.cause`). */
  readonly cause?: unknown;
  /** Structured facts for logs and machine readers (the field that failed, the HTTP status…). */
  readonly details?: Readonly<Record<string, unknown>>;
  /** What the operator should do about it. */
  readonly hint?: string | undefined;
  /** Overrides the class's `retryable` for this one error (e.g. an HTTP error whose status decides). */
  readonly retryable?: boolean;
}

const NO_DETAILS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * The one base of every error the engine, the oracle and the scripts throw on purpose (viem's
 * `BaseError` shape): a short message, structured `details`, the `cause`, a `hint` saying what to do,
 * and `retryable` — whether the same call may succeed later. A class states its retryability once,
 * as `static retryable`; `classifyFailure` (offchain/errors/classify.ts) is the one place that
 * decides it for values we did not throw (ccxt, fetch, ethers). Each domain subclasses this in its
 * `errors.ts`; nothing else extends `Error`.
 *
 * @example
 * class FeedError extends SigilError { static override readonly retryable: boolean = true; }
 * throw new FeedError("feed stalled", { details: { feed: "btc" }, hint: "check the feed process" });
 */
export class SigilError extends Error {
  /** Whether errors of this class are worth retrying; subclasses override, instances may too. */
  static readonly retryable: boolean = false;

  override readonly name: string = "SigilError";
  readonly details: Readonly<Record<string, unknown>>;
  readonly hint: string | undefined;
  readonly retryable: boolean;

  constructor(message: string, options: SigilErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.details = options.details === undefined ? NO_DETAILS : Object.freeze({ ...options.details });
    this.hint = options.hint;
    this.retryable = options.retryable ?? (new.target as typeof SigilError).retryable;
  }
}

import ccxt from "ccxt";
import { SigilError } from "./SigilError.js";

/**
 * What a failed call means at the transport level, whoever threw it.
 *
 * Retryable (the same call may succeed later):
 * - `rate-limited`: refused before acting (HTTP 429/418, ccxt RateLimitExceeded/DDoSProtection).
 * - `timeout`: no answer in time (ccxt RequestTimeout, AbortError/TimeoutError, ETIMEDOUT, HTTP 408/504).
 * - `network`: the connection failed (refused, reset, DNS, TLS; ccxt NetworkError; fetch's TypeError).
 * - `unavailable`: the server answered but is not serving (5xx, maintenance, ethers SERVER_ERROR).
 * - `bad-response`: a body that is not what was sent (truncated JSON, an HTML error page).
 *
 * Fatal (a person or a code change is needed):
 * - `auth`: credentials missing, rejected or without the permission (401/403).
 * - `bad-symbol`: the venue does not list the symbol.
 * - `not-found`: the venue does not know the order or resource (404).
 * - `invalid-request`: refused as invalid (other 4xx, ccxt InvalidOrder/InsufficientFunds/BadRequest).
 * - `refused`: any other error the venue reported (ccxt ExchangeError and the rest of its tree).
 * - `unknown`: anything unrecognised: retrying a bug only hides it.
 *
 * `sigil`: one of our own errors; its class (or the instance) says whether it is retryable.
 */
export type FailureKind =
  | "rate-limited"
  | "timeout"
  | "network"
  | "unavailable"
  | "bad-response"
  | "auth"
  | "bad-symbol"
  | "not-found"
  | "invalid-request"
  | "refused"
  | "unknown"
  | "sigil";

/** The verdict of `classifyFailure`. */
export interface Failure {
  readonly kind: FailureKind;
  /** Whether the same call may succeed later. The only retry decision; callers never re-derive it. */
  readonly retryable: boolean;
  /**
   * A retryable failure after which the request may already have been acted on (timeout, dropped
   * connection, 5xx, garbled answer): safe to repeat for reads, not for an order POST. False for a
   * rate limit (refused before acting) and for every fatal kind.
   */
  readonly mayHaveActed: boolean;
  /** The thrown value's message. */
  readonly message: string;
  /** The transport code that decided it (ECONNRESET, NETWORK_ERROR, HTTP 503…), when there was one. */
  readonly code?: string;
}

const RETRYABLE_KINDS: ReadonlySet<FailureKind> = new Set([
  "rate-limited",
  "timeout",
  "network",
  "unavailable",
  "bad-response",
]);

/** Node, undici and ethers transport codes, by what they mean. */
const CODE_KIND: Readonly<Record<string, FailureKind>> = {
  // ethers v6
  NETWORK_ERROR: "network",
  TIMEOUT: "timeout",
  SERVER_ERROR: "unavailable",
  // node system errors
  ECONNREFUSED: "network",
  ECONNRESET: "network",
  ECONNABORTED: "network",
  EPIPE: "network",
  ENOTFOUND: "network",
  EAI_AGAIN: "network",
  EHOSTUNREACH: "network",
  ENETUNREACH: "network",
  ETIMEDOUT: "timeout",
  // undici (fetch)
  UND_ERR_SOCKET: "network",
  UND_ERR_CLOSED: "network",
  UND_ERR_CONNECT_TIMEOUT: "timeout",
  UND_ERR_HEADERS_TIMEOUT: "timeout",
  UND_ERR_BODY_TIMEOUT: "timeout",
};

/** Messages of transport failures whose error carries no code (providers that wrap node's errors). */
const TRANSPORT_MESSAGE = /socket hang up|fetch failed|ECONNREFUSED|ECONNRESET|timeout|timed out/i;

function failure(kind: FailureKind, message: string, code?: string): Failure {
  const retryable = RETRYABLE_KINDS.has(kind);
  return {
    kind,
    retryable,
    mayHaveActed: retryable && kind !== "rate-limited",
    message,
    ...(code === undefined ? {} : { code }),
  };
}

/** The first known transport code on the error or its cause chain (ethers nests the node error). */
function transportCode(e: unknown): string | undefined {
  for (let x: unknown = e, i = 0; x !== null && typeof x === "object" && i < 5; i++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === "string" && code in CODE_KIND) return code;
    const o = x as { cause?: unknown; error?: unknown };
    x = o.cause ?? o.error;
  }
  return undefined;
}

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  const m = (e as { message?: unknown } | null | undefined)?.message;
  return typeof m === "string" ? m : String(e);
}

function ccxtKind(e: InstanceType<typeof ccxt.BaseError>): FailureKind {
  // Most specific first: ccxt's RateLimitExceeded and RequestTimeout are NetworkErrors, OrderNotFound
  // is an InvalidOrder, BadSymbol is a BadRequest, PermissionDenied an AuthenticationError.
  if (e instanceof ccxt.RateLimitExceeded || e instanceof ccxt.DDoSProtection) return "rate-limited";
  if (e instanceof ccxt.RequestTimeout) return "timeout";
  if (e instanceof ccxt.ExchangeNotAvailable) return "unavailable";
  if (e instanceof ccxt.NetworkError) return "network";
  if (e instanceof ccxt.BadResponse) return "bad-response";
  if (e instanceof ccxt.AuthenticationError) return "auth";
  if (e instanceof ccxt.BadSymbol) return "bad-symbol";
  if (e instanceof ccxt.OrderNotFound) return "not-found";
  if (e instanceof ccxt.InvalidOrder || e instanceof ccxt.InsufficientFunds || e instanceof ccxt.BadRequest)
    return "invalid-request";
  return "refused";
}

/**
 * The one place that decides whether a thrown value is worth retrying. Our own errors answer by
 * their `retryable`; ccxt's by its class tree; fetch/undici, node and ethers transport failures by
 * name and code (also on the cause chain); anything else is fatal. Domain adapters (data's
 * `classifyError`, execution's `classifyVenueError`, the oracle's `classifyChainError`) call this and
 * only add their own specifics (an order POST's outcome, a contract revert).
 *
 * @example
 * const f = classifyFailure(e); if (f.retryable && !(isOrderPost && f.mayHaveActed)) retryLater();
 */
export function classifyFailure(e: unknown): Failure {
  const message = messageOf(e);
  if (e instanceof SigilError)
    return { kind: "sigil", retryable: e.retryable, mayHaveActed: e.retryable, message };
  if (e instanceof ccxt.BaseError) return failure(ccxtKind(e), message);
  if (e instanceof SyntaxError) return failure("bad-response", message);
  if (e instanceof Error && (e.name === "AbortError" || e.name === "TimeoutError"))
    return failure("timeout", message, e.name);
  const code = transportCode(e);
  if (code !== undefined) return failure(CODE_KIND[code]!, message, code);
  // fetch rejects with a TypeError("fetch failed") whose cause is the socket error (its code, when
  // known, was found above). Other TypeErrors (a malformed URL, ERR_INVALID_URL) are bugs: fatal.
  if (e instanceof TypeError && message === "fetch failed") return failure("network", message);
  if (TRANSPORT_MESSAGE.test(message))
    return failure(/time(d )?out/i.test(message) ? "timeout" : "network", message);
  return failure("unknown", message);
}

/**
 * An HTTP status's meaning (for clients that call `fetch` themselves); undefined below 400.
 *
 * @example
 * const kind = classifyHttpStatus(res.status); if (kind && isRetryableKind(kind)) throw …
 */
export function classifyHttpStatus(status: number): FailureKind | undefined {
  if (status < 400) return undefined;
  if (status === 429 || status === 418) return "rate-limited";
  if (status === 408 || status === 504) return "timeout";
  if (status >= 500) return "unavailable";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not-found";
  return "invalid-request";
}

/** Whether failures of this kind are worth retrying (`sigil` depends on the error: use `classifyFailure`). */
export function isRetryableKind(kind: FailureKind): boolean {
  return RETRYABLE_KINDS.has(kind);
}

/** `classifyFailure(e).retryable`. */
export function isRetryable(e: unknown): boolean {
  return classifyFailure(e).retryable;
}

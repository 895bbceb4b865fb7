import { assert } from "chai";
import ccxt from "ccxt";
import { Interface } from "ethers";
import {
  classifyError,
  DataError,
  NetworkDataError,
  SourceRejectedError,
} from "../../../offchain/data/errors.js";
import { MarketDataError } from "../../../offchain/engine/errors.js";
import {
  classifyFailure,
  classifyHttpStatus,
  isRetryable,
  isRetryableKind,
  type FailureKind,
} from "../../../offchain/errors/classify.js";
import { SigilError } from "../../../offchain/errors/SigilError.js";
import {
  classifyVenueError,
  OrderNotFoundError,
  OrderOutcomeUnknownError,
  OrderRejectedError,
  VenueAuthError,
  VenueFatalError,
  VenueRateLimitedError,
  VenueUnavailableError,
} from "../../../offchain/execution/errors.js";
import { QpuRetryableError } from "../../../offchain/optimizer/errors.js";
import { classifyChainError } from "../../../oracle/errors/classifyChainError.js";

const sysError = (code: string, message = `connect ${code} 127.0.0.1:1`) =>
  Object.assign(new Error(message), { code });
const fetchFailed = (code: string) => new TypeError("fetch failed", { cause: sysError(code) });
const named = (name: string, message = "The operation was aborted") =>
  Object.assign(new Error(message), { name });
/** An ethers v6 error as thrown by a JsonRpcProvider whose node went away. */
const ethersError = (code: string, cause?: unknown) =>
  Object.assign(new Error(`${code.toLowerCase()} (code=${code}, version=6)`), {
    code,
    ...(cause ? { cause } : {}),
  });

/** Thrown value → the verdict every domain must agree on. */
const CASES: ReadonlyArray<readonly [string, unknown, FailureKind]> = [
  ["ccxt RateLimitExceeded", new ccxt.RateLimitExceeded("weex 429"), "rate-limited"],
  ["ccxt DDoSProtection", new ccxt.DDoSProtection("cloudflare"), "rate-limited"],
  ["ccxt RequestTimeout", new ccxt.RequestTimeout("10000 ms"), "timeout"],
  ["ccxt OnMaintenance", new ccxt.OnMaintenance("maintenance"), "unavailable"],
  ["ccxt ExchangeNotAvailable", new ccxt.ExchangeNotAvailable("502"), "unavailable"],
  ["ccxt NetworkError", new ccxt.NetworkError("ECONNRESET"), "network"],
  ["ccxt InvalidNonce", new ccxt.InvalidNonce("nonce"), "network"],
  ["ccxt BadResponse", new ccxt.BadResponse("<html>"), "bad-response"],
  ["ccxt NullResponse", new ccxt.NullResponse("empty"), "bad-response"],
  ["ccxt AuthenticationError", new ccxt.AuthenticationError("bad key"), "auth"],
  ["ccxt PermissionDenied", new ccxt.PermissionDenied("read-only key"), "auth"],
  ["ccxt AccountSuspended", new ccxt.AccountSuspended("suspended"), "auth"],
  ["ccxt BadSymbol", new ccxt.BadSymbol("NOPE/USDT"), "bad-symbol"],
  ["ccxt OrderNotFound", new ccxt.OrderNotFound("order 1"), "not-found"],
  ["ccxt InvalidOrder", new ccxt.InvalidOrder("lot size"), "invalid-request"],
  ["ccxt InsufficientFunds", new ccxt.InsufficientFunds("balance"), "invalid-request"],
  ["ccxt BadRequest", new ccxt.BadRequest("param"), "invalid-request"],
  ["ccxt ExchangeError", new ccxt.ExchangeError("-1000 unknown"), "refused"],
  ["fetch: connection refused", fetchFailed("ECONNREFUSED"), "network"],
  ["fetch: reset", fetchFailed("ECONNRESET"), "network"],
  ["fetch: DNS", fetchFailed("ENOTFOUND"), "network"],
  ["fetch: undici connect timeout", fetchFailed("UND_ERR_CONNECT_TIMEOUT"), "timeout"],
  ["fetch: bare fetch failed", new TypeError("fetch failed"), "network"],
  ["AbortSignal.timeout", named("TimeoutError", "The operation was aborted due to timeout"), "timeout"],
  ["AbortController.abort", named("AbortError"), "timeout"],
  ["node socket error", sysError("ECONNRESET", "read ECONNRESET"), "network"],
  ["node ETIMEDOUT", sysError("ETIMEDOUT"), "timeout"],
  ["truncated JSON", new SyntaxError("Unexpected end of JSON input"), "bad-response"],
  ["ethers NETWORK_ERROR", ethersError("NETWORK_ERROR"), "network"],
  ["ethers TIMEOUT", ethersError("TIMEOUT"), "timeout"],
  ["ethers SERVER_ERROR", ethersError("SERVER_ERROR"), "unavailable"],
  ["ethers wrapping a socket error", ethersError("UNKNOWN_ERROR", sysError("ECONNREFUSED")), "network"],
  ["socket hang up, no code", new Error("socket hang up"), "network"],
  ["a bug", new Error("Cannot read properties of undefined (reading 'x')"), "unknown"],
  ["a malformed URL", Object.assign(new TypeError("Invalid URL"), { code: "ERR_INVALID_URL" }), "unknown"],
  ["a RangeError", new RangeError("Invalid array length"), "unknown"],
  ["a string", "boom", "unknown"],
  ["undefined", undefined, "unknown"],
];

describe("classifyFailure: retryable versus fatal, decided once", () => {
  it("maps ccxt, fetch/undici, node and ethers errors to one verdict", () => {
    const wrong = CASES.filter(([, e, kind]) => classifyFailure(e).kind !== kind).map(
      ([what, e, kind]) => `${what}: expected ${kind}, got ${classifyFailure(e).kind}`,
    );
    assert.deepEqual(wrong, []);
    for (const [what, e, kind] of CASES) {
      const f = classifyFailure(e);
      assert.equal(f.retryable, isRetryableKind(kind), what);
      assert.equal(isRetryable(e), f.retryable, what);
      assert.equal(f.mayHaveActed, f.retryable && kind !== "rate-limited", what);
    }
  });

  it("answers for our own errors by their retryable", () => {
    assert.isTrue(classifyFailure(new QpuRetryableError("IBM 503")).retryable);
    assert.isFalse(classifyFailure(new MarketDataError("bad CSV")).retryable);
    assert.isTrue(classifyFailure(new SigilError("x", { retryable: true })).retryable);
    assert.equal(classifyFailure(new SigilError("x")).kind, "sigil");
  });

  it("maps HTTP statuses", () => {
    const got = [200, 301, 400, 401, 403, 404, 408, 418, 422, 429, 500, 502, 503, 504].map(
      (s) => `${s}:${classifyHttpStatus(s) ?? "-"}`,
    );
    assert.deepEqual(got, [
      "200:-",
      "301:-",
      "400:invalid-request",
      "401:auth",
      "403:auth",
      "404:not-found",
      "408:timeout",
      "418:rate-limited",
      "422:invalid-request",
      "429:rate-limited",
      "500:unavailable",
      "502:unavailable",
      "503:unavailable",
      "504:timeout",
    ]);
  });
});

describe("domain classifiers agree with classifyFailure", () => {
  const ifaces = [new Interface(["error TradeLedgerStaleSequence(uint64 have, uint64 got)"])];

  it("data, execution and the oracle call the same thrown values retryable", () => {
    const disagree: string[] = [];
    for (const [what, e, kind] of CASES) {
      const expected = isRetryableKind(kind);
      const data = classifyError(e, "test").retryable;
      const venue = classifyVenueError(e, { venue: "test", now: 0 }).retryable;
      const chain = classifyChainError(e, ifaces).kind === "retryable";
      if (data !== expected || venue !== expected || chain !== expected)
        disagree.push(`${what}: expected ${expected}, data ${data}, execution ${venue}, oracle ${chain}`);
    }
    assert.deepEqual(disagree, []);
  });

  it("data keeps its own errors and picks its class from the verdict", () => {
    const own = new SourceRejectedError("x", { source: "weex" });
    assert.strictEqual(classifyError(own, "weex"), own);
    const net = classifyError(fetchFailed("ECONNREFUSED"), "coingecko");
    assert.instanceOf(net, NetworkDataError);
    assert.equal(net.source, "coingecko");
    assert.deepInclude(net.details, { source: "coingecko" });
    // A retryable error of another domain stays retryable, a fatal one stays fatal.
    assert.isTrue(classifyError(new QpuRetryableError("503"), "x").retryable);
    assert.instanceOf(classifyError(new MarketDataError("bad"), "x"), DataError);
    assert.isFalse(classifyError(new MarketDataError("bad"), "x").retryable);
  });

  it("execution adds the order rule: after a send, a transport failure means outcome unknown", () => {
    const post = { venue: "weex", now: 0, clientOrderId: "sig-1" };
    const read = { venue: "weex", now: 0 };
    for (const e of [
      new ccxt.RequestTimeout("t"),
      fetchFailed("ECONNRESET"),
      new ccxt.BadResponse("<html>"),
    ]) {
      assert.instanceOf(classifyVenueError(e, post), OrderOutcomeUnknownError);
      assert.instanceOf(classifyVenueError(e, read), VenueUnavailableError);
    }
    // A rate limit is a refusal before acting: retryable even for an order.
    const limited = classifyVenueError(new ccxt.RateLimitExceeded("429"), {
      ...post,
      headers: { "Retry-After": "2" },
    });
    assert.instanceOf(limited, VenueRateLimitedError);
    assert.equal((limited as VenueRateLimitedError).retryAfterMs, 2000);
    assert.instanceOf(classifyVenueError(new ccxt.OrderNotFound("1"), read), OrderNotFoundError);
    assert.instanceOf(classifyVenueError(new ccxt.InsufficientFunds("1"), post), OrderRejectedError);
    assert.instanceOf(classifyVenueError(new ccxt.PermissionDenied("1"), post), VenueAuthError);
    assert.instanceOf(classifyVenueError(new Error("bug"), post), VenueFatalError);
  });

  it("the oracle adds reverts, nonces and fees on top", () => {
    const stale = ifaces[0]!.encodeErrorResult("TradeLedgerStaleSequence", [2, 1]);
    assert.equal(classifyChainError({ code: "CALL_EXCEPTION", data: stale }, ifaces).kind, "already-done");
    assert.equal(classifyChainError(new Error("nonce too low"), ifaces).kind, "nonce");
    assert.equal(
      classifyChainError(new Error("replacement transaction underpriced"), ifaces).kind,
      "underpriced",
    );
    assert.deepEqual(classifyChainError(sysError("ECONNRESET", "socket hang up"), ifaces), {
      kind: "retryable",
      detail: "ECONNRESET socket hang up",
    });
  });
});

import { classifyHttpStatus, isRetryableKind } from "../../errors/classify.js";
import { SigilError } from "../../errors/SigilError.js";

/**
 * An error the simulator answers with, in WEEX's own envelope `{"code": -1121, "msg": "..."}`.
 * The codes are the ones ccxt's `weex.exceptions.exact` maps (e.g. -1121 → BadSymbol), so the
 * real client raises the same error class against the simulator as against WEEX.
 */
export class WeexApiError extends SigilError {
  override readonly name: string = "WeexApiError";

  constructor(
    readonly httpStatus: number,
    readonly code: number,
    readonly msg: string,
  ) {
    const kind = classifyHttpStatus(httpStatus);
    super(`${httpStatus} ${code} ${msg}`, {
      details: { httpStatus, code },
      retryable: kind !== undefined && isRetryableKind(kind),
    });
  }

  body(): { code: number; msg: string } {
    return { code: this.code, msg: this.msg };
  }
}

export const invalidSymbol = (symbol: string | undefined): WeexApiError =>
  new WeexApiError(400, -1121, `Invalid symbol: ${symbol ?? "(empty)"}`);

export const invalidParam = (detail: string): WeexApiError => new WeexApiError(400, -1140, detail);

export const paramEmpty = (name: string): WeexApiError =>
  new WeexApiError(400, -1141, `Parameter '${name}' cannot be empty.`);

// --- private API errors: codes from WEEX's published list (ccxt's `exceptions.exact`) ---

export const authError = (code: number, msg: string): WeexApiError => new WeexApiError(401, code, msg);

/** -1046 ACCESS_TIMESTAMP_EXPIRED: ccxt 4.5.84 maps it to BadRequest (not InvalidNonce). */
export const timestampExpired = (detail: string): WeexApiError =>
  new WeexApiError(400, -1046, `Request timestamp expired. ${detail}`);

/**
 * A replayed signed request (same key, timestamp and signature as one already processed). WEEX
 * documents no code for it; -1047 API_AUTH_ERROR is its signature failure, which ccxt maps to
 * AuthenticationError: a client that sees it must reconcile, never assume the first one failed.
 */
export const replayedRequest = (): WeexApiError =>
  authError(-1047, "API authentication failed: replayed request (this signature was already used).");

export const invalidContentType = (): WeexApiError =>
  new WeexApiError(400, -1045, "Invalid Content-Type, please use application/json.");

export const invalidJson = (): WeexApiError => new WeexApiError(400, -1135, "Invalid JSON request.");

export const invalidSide = (side: string | undefined): WeexApiError =>
  new WeexApiError(400, -1117, `Invalid side: ${side ?? "(empty)"}`);

export const invalidOrderType = (type: string | undefined): WeexApiError =>
  new WeexApiError(400, -1116, `Invalid order type: ${type ?? "(empty)"}`);

export const invalidTimeInForce = (tif: string): WeexApiError =>
  new WeexApiError(400, -1115, `Invalid timeInForce: ${tif}`);

export const decimalPrecision = (detail: string): WeexApiError => new WeexApiError(400, -1160, detail);

export const clientOidInvalid = (): WeexApiError =>
  new WeexApiError(
    400,
    -1180,
    "client_oid length must not exceed 40 and must not contain special characters.",
  );

/** No code in WEEX's list: the simulator answers PARAM_ERROR (ccxt → BadRequest). */
export const duplicateClientOrderId = (id: string): WeexApiError =>
  new WeexApiError(400, -1142, `Duplicate newClientOrderId: ${id}`);

/**
 * Worded like the one insufficient-amount answer ccxt records from WEEX ("FAILED_PRECONDITION: …
 * amount not enough"), which ccxt's broad map turns into InsufficientFunds.
 */
export const insufficientBalance = (asset: string, available: string, required: string): WeexApiError =>
  new WeexApiError(
    400,
    -1054,
    `FAILED_PRECONDITION: ${asset} available amount not enough. Available amount is ${available}, required amount is ${required}`,
  );

export const orderNotExist = (): WeexApiError => new WeexApiError(400, -2200, "Order does not exist.");

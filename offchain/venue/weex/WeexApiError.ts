/**
 * An error the simulator answers with, in WEEX's own envelope `{"code": -1121, "msg": "..."}`.
 * The codes are the ones ccxt's `weex.exceptions.exact` maps (e.g. -1121 → BadSymbol), so the
 * real client raises the same error class against the simulator as against WEEX.
 */
export class WeexApiError extends Error {
  override readonly name = "WeexApiError";

  constructor(
    readonly httpStatus: number,
    readonly code: number,
    readonly msg: string,
  ) {
    super(`${httpStatus} ${code} ${msg}`);
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

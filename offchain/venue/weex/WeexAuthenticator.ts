import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { SimAccount } from "./SimAccount.js";
import { authError, invalidContentType, timestampExpired } from "./WeexApiError.js";

export interface SignedRequest {
  readonly method: string;
  /** The request target exactly as sent ("/api/v3/order?orderId=1"): WEEX signs the raw text. */
  readonly rawUrl: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/**
 * WEEX's private-API check, the inverse of ccxt's `weex.sign`: ACCESS-SIGN must equal
 * base64(HMAC-SHA256(secret, ACCESS-TIMESTAMP + METHOD + "/path?query" + body)), ACCESS-TIMESTAMP
 * (ms) must lie within `recvWindowMs` of the server's wall clock, and the key and passphrase must
 * belong to one account. Each failure answers the code WEEX documents for it.
 */
export class WeexAuthenticator {
  private readonly byKey = new Map<string, SimAccount>();

  constructor(
    private readonly wallClock: () => number,
    private readonly recvWindowMs: number,
  ) {}

  register(account: SimAccount): void {
    this.byKey.set(account.credentials.apiKey, account);
  }

  /** The account the request is signed for; throws `WeexApiError` otherwise. */
  verify(req: SignedRequest): SimAccount {
    const key = header(req.headers, "access-key");
    const sign = header(req.headers, "access-sign");
    const ts = header(req.headers, "access-timestamp");
    const passphrase = header(req.headers, "access-passphrase");
    if (!key) throw authError(-1040, "ACCESS_KEY header is required.");
    if (!sign) throw authError(-1041, "ACCESS_SIGN header is required.");
    if (!ts) throw authError(-1042, "ACCESS_TIMESTAMP header is required.");
    if (!/^\d{13}$/.test(ts)) throw authError(-1043, "Invalid ACCESS_TIMESTAMP.");
    const skew = Math.abs(this.wallClock() - Number(ts));
    if (skew > this.recvWindowMs) {
      throw timestampExpired(`Skew ${skew} ms exceeds ${this.recvWindowMs} ms.`);
    }
    const account = this.byKey.get(key);
    if (!account) throw authError(-1044, "Invalid ACCESS_KEY.");
    if (passphrase !== account.credentials.passphrase) {
      throw authError(-1049, "API key or passphrase incorrect.");
    }
    if (req.method === "POST" && !/application\/json/i.test(header(req.headers, "content-type") ?? "")) {
      throw invalidContentType();
    }
    const expected = createHmac("sha256", account.credentials.secret)
      .update(ts + req.method + req.rawUrl + req.body)
      .digest();
    const given = Buffer.from(sign, "base64");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw authError(-1047, "API authentication failed.");
    }
    return account;
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === "" ? undefined : s;
}

import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { SimAccount } from "./SimAccount.js";
import { authError, invalidContentType, replayedRequest, timestampExpired } from "./WeexApiError.js";

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
 * belong to one account. Each failure answers the code WEEX documents for it. A state-changing
 * request is accepted once per signature (`claim`): a replay inside the window is refused.
 */
export class WeexAuthenticator {
  private readonly byKey = new Map<string, SimAccount>();
  /** Signatures of processed state-changing requests → wall time (ms) they stop being valid. */
  private readonly used = new Map<string, number>();

  constructor(
    private readonly wallClock: () => number,
    private readonly recvWindowMs: number,
  ) {}

  register(account: SimAccount): void {
    this.byKey.set(account.credentials.apiKey, account);
  }

  /**
   * The account a private WebSocket upgrade is signed for: the same headers, signing
   * ACCESS-TIMESTAMP + "/v3/ws/private" (ccxt.pro's `weex.authenticate`).
   */
  verifyWs(headers: IncomingHttpHeaders): SimAccount {
    return this.check(headers, undefined, (ts) => ts + "/v3/ws/private");
  }

  /** The account the request is signed for; throws `WeexApiError` otherwise. */
  verify(req: SignedRequest): SimAccount {
    return this.check(req.headers, req.method, (ts) => ts + req.method + req.rawUrl + req.body);
  }

  /**
   * Refuses (-1047) a state-changing request whose exact signature was already processed: a signed
   * request copied off the wire and sent again inside the timestamp window would otherwise place a
   * second order (an order without a client order id has nothing else that tells them apart). Call
   * after `verify`, once the request is admitted for processing; a signature is remembered until its
   * timestamp leaves the window, after which `verify` refuses it anyway. Reads (GET) are not
   * claimed: repeating one changes nothing.
   */
  claim(req: SignedRequest): void {
    if (req.method === "GET") return;
    const now = this.wallClock();
    for (const [k, until] of this.used) if (until < now) this.used.delete(k);
    const key = `${header(req.headers, "access-key") ?? ""}:${header(req.headers, "access-timestamp") ?? ""}:${header(req.headers, "access-sign") ?? ""}`;
    if (this.used.has(key)) throw replayedRequest();
    const ts = Number(header(req.headers, "access-timestamp"));
    this.used.set(key, (Number.isFinite(ts) ? ts : now) + this.recvWindowMs);
  }

  /** Checks cheapest first; `signed` builds the text the signature covers from the timestamp. */
  private check(
    headers: IncomingHttpHeaders,
    method: string | undefined,
    signed: (ts: string) => string,
  ): SimAccount {
    const key = header(headers, "access-key");
    const sign = header(headers, "access-sign");
    const ts = header(headers, "access-timestamp");
    const passphrase = header(headers, "access-passphrase");
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
    if (method === "POST" && !/application\/json/i.test(header(headers, "content-type") ?? "")) {
      throw invalidContentType();
    }
    const expected = createHmac("sha256", account.credentials.secret).update(signed(ts)).digest();
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

import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { ApiKeyRecord, ApiKeyStore } from "./ApiKeyStore.js";
import { TooManyRequestsError, UnauthorizedError } from "./errors.js";
import { TokenBucket } from "./TokenBucket.js";

/** The authenticated key, for handlers and logs. */
export interface AuthLocals {
  apiKey?: ApiKeyRecord;
}

const DAY_MS = 86_400_000;

/** `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
function presentedKey(req: Request): string | undefined {
  const auth = req.get("authorization");
  if (auth !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return m ? m[1] : auth;
  }
  return req.get("x-api-key");
}

/**
 * Middleware: authenticates the key, then applies its token bucket (429 `RATE_LIMITED`, retry in
 * seconds), then counts the request against its daily UTC quota (429 `QUOTA_EXCEEDED`, retry at the
 * next UTC midnight). Rate-limited requests are not counted against the quota. Sets
 * `X-RateLimit-*` and `X-Quota-*` headers.
 */
export function apiKeyAuth(store: ApiKeyStore, now: () => number = Date.now): RequestHandler {
  const buckets = new Map<string, TokenBucket>();
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = presentedKey(req);
    if (key === undefined)
      throw new UnauthorizedError(
        "MISSING_API_KEY",
        "send an API key as `Authorization: Bearer <key>` or `X-API-Key: <key>`",
      );
    const record = store.verify(key);
    let bucket = buckets.get(record.id);
    if (!bucket) {
      bucket = new TokenBucket(record.burst, record.ratePerSecond, now);
      buckets.set(record.id, bucket);
    }
    res.set("X-RateLimit-Limit", String(record.burst));
    const taken = bucket.take();
    if (!taken.ok) {
      res.set("X-RateLimit-Remaining", "0");
      throw new TooManyRequestsError(
        "RATE_LIMITED",
        `rate limit of ${record.ratePerSecond} requests/s (burst ${record.burst}) exceeded`,
        taken.retryAfterSeconds,
      );
    }
    res.set("X-RateLimit-Remaining", String(taken.remaining));
    const t = now();
    const quota = store.consume(record, new Date(t).toISOString().slice(0, 10));
    res.set("X-Quota-Limit", String(quota.limit));
    res.set("X-Quota-Remaining", String(Math.max(0, quota.limit - quota.used)));
    if (!quota.allowed)
      throw new TooManyRequestsError(
        "QUOTA_EXCEEDED",
        `daily quota of ${quota.limit} requests used up; it resets at 00:00 UTC`,
        Math.max(1, Math.ceil((DAY_MS - (t % DAY_MS)) / 1000)),
      );
    (res.locals as AuthLocals).apiKey = record;
    next();
  };
}

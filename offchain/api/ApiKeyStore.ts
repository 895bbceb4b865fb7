import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import type { StatementSync } from "node:sqlite";
import { UnauthorizedError } from "./errors.js";

/** A stored key's public attributes (never its secret or hash). */
export interface ApiKeyRecord {
  readonly id: string;
  readonly name: string;
  /** ms since epoch. */
  readonly createdAt: number;
  readonly revokedAt: number | null;
  /** Requests per UTC day. */
  readonly dailyQuota: number;
  /** Sustained requests per second (token-bucket refill rate). */
  readonly ratePerSecond: number;
  /** Token-bucket capacity: the largest burst. */
  readonly burst: number;
}

export interface CreateKeyOptions {
  readonly name: string;
  readonly dailyQuota?: number;
  readonly ratePerSecond?: number;
  readonly burst?: number;
}

/** Result of counting one request against a key's daily quota. */
export interface QuotaUse {
  readonly allowed: boolean;
  readonly used: number;
  readonly limit: number;
}

const KEY_FORMAT = /^sgl_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

interface KeyRow {
  id: string;
  name: string;
  salt: string;
  hash: string;
  created_at: number;
  revoked_at: number | null;
  daily_quota: number;
  rate_per_second: number;
  burst: number;
}

function toRecord(r: KeyRow): ApiKeyRecord {
  return {
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    dailyQuota: r.daily_quota,
    ratePerSecond: r.rate_per_second,
    burst: r.burst,
  };
}

/**
 * SHA-256 of salt ‖ secret. A slow KDF (scrypt) protects guessable passwords; these secrets are
 * 256 random bits, so a salted SHA-256 is as strong and keeps verification off the request's
 * critical path (scrypt would cost tens of ms per request).
 */
function hashSecret(salt: Buffer, secret: string): Buffer {
  return createHash("sha256").update(salt).update(secret, "utf8").digest();
}

/**
 * API keys and their daily usage in SQLite (`node:sqlite`). Keys look like `sgl_<id>_<secret>`: the
 * id finds the row, the secret is checked against its salted hash in constant time. Only the hash
 * is stored; the full key is shown once, at creation.
 *
 * @example
 * const store = ApiKeyStore.open("api-keys.sqlite");
 * const { key } = store.create({ name: "dashboard", dailyQuota: 50_000 });
 * store.verify(key).name; // "dashboard"
 */
export class ApiKeyStore {
  private readonly byId: StatementSync;
  private readonly count: StatementSync;
  private readonly usageOf: StatementSync;

  private constructor(
    private readonly db: DatabaseSync,
    private readonly now: () => number,
  ) {
    db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      CREATE TABLE IF NOT EXISTS api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        salt TEXT NOT NULL,
        hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER,
        daily_quota INTEGER NOT NULL,
        rate_per_second REAL NOT NULL,
        burst INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS api_usage (
        key_id TEXT NOT NULL REFERENCES api_keys(id),
        day TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (key_id, day)
      );
    `);
    this.byId = db.prepare("SELECT * FROM api_keys WHERE id = ?");
    // One statement counts and enforces: the update is skipped (no row returned) at the limit,
    // so concurrent requests can never push usage past the quota.
    this.count = db.prepare(`
      INSERT INTO api_usage (key_id, day, count) VALUES (?, ?, 1)
      ON CONFLICT (key_id, day) DO UPDATE SET count = count + 1 WHERE count < ?
      RETURNING count`);
    this.usageOf = db.prepare("SELECT count FROM api_usage WHERE key_id = ? AND day = ?");
  }

  /** Opens (creating if needed) the store at `path`; `":memory:"` for tests. */
  static open(path: string, now: () => number = Date.now): ApiKeyStore {
    return new ApiKeyStore(new DatabaseSync(path), now);
  }

  /** Creates a key; the returned `key` is the only time the secret is visible. */
  create(options: CreateKeyOptions): { key: string; record: ApiKeyRecord } {
    const id = randomBytes(8).toString("hex");
    const secret = randomBytes(32).toString("base64url");
    const salt = randomBytes(16);
    const row: KeyRow = {
      id,
      name: options.name,
      salt: salt.toString("hex"),
      hash: hashSecret(salt, secret).toString("hex"),
      created_at: this.now(),
      revoked_at: null,
      daily_quota: options.dailyQuota ?? 10_000,
      rate_per_second: options.ratePerSecond ?? 10,
      burst: options.burst ?? 20,
    };
    if (!(row.daily_quota > 0 && row.rate_per_second > 0 && row.burst >= 1))
      throw new RangeError("dailyQuota and ratePerSecond must be > 0 and burst ≥ 1");
    this.db
      .prepare(
        `INSERT INTO api_keys (id, name, salt, hash, created_at, revoked_at, daily_quota, rate_per_second, burst)
         VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)`,
      )
      .run(
        row.id,
        row.name,
        row.salt,
        row.hash,
        row.created_at,
        row.daily_quota,
        row.rate_per_second,
        row.burst,
      );
    return { key: `sgl_${id}_${secret}`, record: toRecord(row) };
  }

  /** Revokes a key by id; false when there is no such key or it was already revoked. */
  revoke(id: string): boolean {
    const r = this.db
      .prepare("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
      .run(this.now(), id);
    return Number(r.changes) > 0;
  }

  list(): ApiKeyRecord[] {
    return (
      this.db.prepare("SELECT * FROM api_keys ORDER BY created_at, id").all() as unknown as KeyRow[]
    ).map(toRecord);
  }

  /** The key's record, or an `UnauthorizedError` for a malformed, unknown or revoked key. */
  verify(key: string): ApiKeyRecord {
    const m = KEY_FORMAT.exec(key);
    if (!m) throw new UnauthorizedError("INVALID_API_KEY", "API key is malformed");
    const row = this.byId.get(m[1]!) as KeyRow | undefined;
    if (!row) throw new UnauthorizedError("INVALID_API_KEY", "API key is not valid");
    const expected = Buffer.from(row.hash, "hex");
    const actual = hashSecret(Buffer.from(row.salt, "hex"), m[2]!);
    if (!timingSafeEqual(expected, actual))
      throw new UnauthorizedError("INVALID_API_KEY", "API key is not valid");
    if (row.revoked_at !== null) throw new UnauthorizedError("REVOKED_API_KEY", "API key has been revoked");
    return toRecord(row);
  }

  /** Counts one request for `day` (UTC `YYYY-MM-DD`) unless the quota is used up. */
  consume(record: ApiKeyRecord, day: string): QuotaUse {
    const row = this.count.get(record.id, day, record.dailyQuota) as { count: number } | undefined;
    if (row) return { allowed: true, used: row.count, limit: record.dailyQuota };
    return { allowed: false, used: this.usage(record.id, day), limit: record.dailyQuota };
  }

  /** Requests counted for `id` on `day`. */
  usage(id: string, day: string): number {
    return (this.usageOf.get(id, day) as { count: number } | undefined)?.count ?? 0;
  }

  close(): void {
    this.db.close();
  }
}

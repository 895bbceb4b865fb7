import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

/** What `NonceStore.consume` found. */
export type NonceOutcome =
  /** First time: recorded. */
  | "fresh"
  /** Accepted before. */
  | "replayed"
  /** Issued before the store's horizon: whatever it held from then is pruned, so it cannot tell. */
  | "forgotten"
  /** `maxEntries` live nonces already: nothing recorded. */
  | "full";

/**
 * The proposal nonces this node accepted, durably (`proposal-nonces.sqlite` in its data dir, WAL,
 * `synchronous = FULL`: a nonce is on disk before the request it came with is checked), so a captured
 * request cannot be replayed, also not after a restart.
 *
 * Bounded: a nonce is kept only while a request carrying it could still pass the node's time window
 * (`issuedAt` within `windowMs` of now); older ones are pruned on every write. The store remembers the
 * horizon it pruned up to, and a request issued before it is `forgotten` (refused as stale) whatever
 * the window is configured to later, so widening the window or a clock stepping back never reopens a
 * pruned nonce. Only authenticated requests are recorded, so only the engine's own traffic fills it;
 * `maxEntries` caps it even so. One writer per data dir.
 */
export class NonceStore {
  private readonly db: DatabaseSync;
  private live: number;
  private horizon: number;

  constructor(
    dataDir: string,
    private readonly maxEntries: number,
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new DatabaseSync(join(dataDir, "proposal-nonces.sqlite"));
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
    this.db.exec(`CREATE TABLE IF NOT EXISTS nonces (
      proposer TEXT NOT NULL,
      nonce TEXT NOT NULL,
      issued_at INTEGER NOT NULL,
      received_at INTEGER NOT NULL,
      PRIMARY KEY (proposer, nonce)
    ) STRICT;
    CREATE INDEX IF NOT EXISTS nonces_by_time ON nonces (issued_at);
    CREATE TABLE IF NOT EXISTS horizon (id INTEGER PRIMARY KEY CHECK (id = 0), before_ms INTEGER NOT NULL) STRICT;
    INSERT OR IGNORE INTO horizon (id, before_ms) VALUES (0, 0);`);
    this.live = Number((this.db.prepare("SELECT COUNT(*) AS n FROM nonces").get() as { n: number }).n);
    this.horizon = Number(
      (this.db.prepare("SELECT before_ms FROM horizon WHERE id = 0").get() as { before_ms: number })
        .before_ms,
    );
  }

  /** Live nonces (for tests and health). */
  get size(): number {
    return this.live;
  }

  /**
   * Prune what fell out of the window, then record (proposer, nonce) unless it was seen, issued before
   * the horizon, or the store is full. One transaction, synchronous: two concurrent requests with one
   * nonce cannot both be fresh.
   */
  consume(
    proposer: string,
    nonce: string,
    issuedAtMs: bigint,
    nowMs: number,
    windowMs: number,
  ): NonceOutcome {
    const issuedAt = Number(issuedAtMs);
    const before = { live: this.live, horizon: this.horizon };
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const cutoff = nowMs - windowMs;
      if (cutoff > this.horizon) {
        const pruned = this.db.prepare("DELETE FROM nonces WHERE issued_at < ?").run(cutoff);
        this.db.prepare("UPDATE horizon SET before_ms = ? WHERE id = 0").run(cutoff);
        this.horizon = cutoff;
        this.live -= Number(pruned.changes);
      }
      let outcome: NonceOutcome;
      if (issuedAt < this.horizon) outcome = "forgotten";
      else {
        const seen = this.db
          .prepare("SELECT 1 FROM nonces WHERE proposer = ? AND nonce = ?")
          .get(proposer.toLowerCase(), nonce.toLowerCase());
        if (seen) outcome = "replayed";
        else if (this.live >= this.maxEntries) outcome = "full";
        else {
          this.db
            .prepare("INSERT INTO nonces (proposer, nonce, issued_at, received_at) VALUES (?, ?, ?, ?)")
            .run(proposer.toLowerCase(), nonce.toLowerCase(), issuedAt, nowMs);
          this.live += 1;
          outcome = "fresh";
        }
      }
      this.db.exec("COMMIT");
      return outcome;
    } catch (err) {
      this.db.exec("ROLLBACK");
      this.live = before.live;
      this.horizon = before.horizon;
      throw err;
    }
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Stream } from "../../offchain/protocol/reportTypes.js";

export interface SignedRecord {
  stream: Stream;
  sequence: bigint;
  configDigest: string;
  /** EIP-712 digest of the signed report. */
  digest: string;
  reportJson: string;
  signature: string;
  signedAt: number;
}

/** Thrown when asked to sign a second, different payload under one (stream, sequence, config digest). */
export class EquivocationRefused extends Error {
  override name = "EquivocationRefused";
  constructor(readonly existing: SignedRecord) {
    super(
      `already signed stream ${existing.stream} sequence ${existing.sequence} under ${existing.configDigest} with digest ${existing.digest}`,
    );
  }
}

/**
 * What this node has signed, durably, keyed by (stream, sequence, config digest). `signOnce` writes the
 * record before the signature is returned, so after a crash or restart the node still knows what it
 * signed and never signs a conflicting payload (slashable equivocation). One writer per data dir.
 */
export class SignatureStore {
  private readonly db: DatabaseSync;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new DatabaseSync(join(dataDir, "signatures.sqlite"));
    // FULL: the row is on disk before the commit returns, i.e. before the signature leaves the node.
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
    this.db.exec(`CREATE TABLE IF NOT EXISTS signed (
      stream INTEGER NOT NULL,
      sequence TEXT NOT NULL,
      config_digest TEXT NOT NULL,
      digest TEXT NOT NULL,
      report_json TEXT NOT NULL,
      signature TEXT NOT NULL,
      signed_at INTEGER NOT NULL,
      PRIMARY KEY (stream, sequence, config_digest)
    ) STRICT`);
  }

  find(stream: Stream, sequence: bigint, configDigest: string): SignedRecord | undefined {
    const row = this.db
      .prepare("SELECT * FROM signed WHERE stream = ? AND sequence = ? AND config_digest = ?")
      .get(stream, sequence.toString(), configDigest.toLowerCase()) as
      Record<string, string | number> | undefined;
    if (!row) return undefined;
    return {
      stream: Number(row.stream) as Stream,
      sequence: BigInt(row.sequence!),
      configDigest: String(row.config_digest),
      digest: String(row.digest),
      reportJson: String(row.report_json),
      signature: String(row.signature),
      signedAt: Number(row.signed_at),
    };
  }

  /**
   * Return the stored signature for the same digest (idempotent re-sign), refuse a different digest,
   * or sign with `sign` (synchronous, so nothing interleaves between the check and the write) and
   * persist before returning.
   */
  signOnce(
    key: { stream: Stream; sequence: bigint; configDigest: string; digest: string; reportJson: string },
    sign: () => string,
    now: number,
  ): { record: SignedRecord; fresh: boolean } {
    const existing = this.find(key.stream, key.sequence, key.configDigest);
    if (existing) {
      if (existing.digest !== key.digest.toLowerCase()) throw new EquivocationRefused(existing);
      return { record: existing, fresh: false };
    }
    const record: SignedRecord = {
      stream: key.stream,
      sequence: key.sequence,
      configDigest: key.configDigest.toLowerCase(),
      digest: key.digest.toLowerCase(),
      reportJson: key.reportJson,
      signature: sign(),
      signedAt: now,
    };
    this.db
      .prepare(
        "INSERT INTO signed (stream, sequence, config_digest, digest, report_json, signature, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .run(
        record.stream,
        record.sequence.toString(),
        record.configDigest,
        record.digest,
        record.reportJson,
        record.signature,
        record.signedAt,
      );
    return { record, fresh: true };
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Stream } from "../../offchain/protocol/reportTypes.js";
import { OracleError } from "../errors/OracleError.js";

export interface SignedRecord {
  stream: Stream;
  sequence: bigint;
  configDigest: string;
  /** EIP-712 struct hash of the payload (signal, execution or nav): what equivocation is judged on. */
  payloadHash: string;
  /** EIP-712 digest of the signed report. */
  digest: string;
  reportJson: string;
  signature: string;
  signedAt: number;
}

export interface SignKey {
  stream: Stream;
  sequence: bigint;
  configDigest: string;
  payloadHash: string;
  digest: string;
  reportJson: string;
}

/** Thrown when asked to sign a second, different payload under one (stream, sequence, config digest). */
export class EquivocationRefused extends OracleError {
  override readonly name: string = "EquivocationRefused";
  constructor(readonly existing: SignedRecord) {
    super(
      `already signed stream ${existing.stream} sequence ${existing.sequence} under ${existing.configDigest} with payload ${existing.payloadHash}`,
      undefined,
      {
        details: {
          stream: existing.stream,
          sequence: String(existing.sequence),
          configDigest: existing.configDigest,
          payloadHash: existing.payloadHash,
        },
      },
    );
  }
}

type Row = Record<string, string | number>;

const toRecord = (row: Row): SignedRecord => ({
  stream: Number(row.stream) as Stream,
  sequence: BigInt(row.sequence!),
  configDigest: String(row.config_digest),
  payloadHash: String(row.payload_hash),
  digest: String(row.digest),
  reportJson: String(row.report_json),
  signature: String(row.signature),
  signedAt: Number(row.signed_at),
});

/**
 * What this node has signed, durably. For one (stream, sequence, config digest) it signs one payload
 * only: the same payload again (e.g. with a later deadline) restates it and is allowed, as
 * `OperatorBonds.proveEquivocation` judges it; a different payload would be slashable and is refused.
 * `signOnce` writes the record before the signature is returned, so after a crash or restart the node
 * still knows what it signed. One writer per data dir.
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
      payload_hash TEXT NOT NULL,
      digest TEXT NOT NULL,
      report_json TEXT NOT NULL,
      signature TEXT NOT NULL,
      signed_at INTEGER NOT NULL,
      PRIMARY KEY (stream, sequence, config_digest, digest)
    ) STRICT`);
  }

  /** Every report signed under (stream, sequence, config digest): all share one payload. */
  find(stream: Stream, sequence: bigint, configDigest: string): SignedRecord[] {
    const rows = this.db
      .prepare(
        "SELECT * FROM signed WHERE stream = ? AND sequence = ? AND config_digest = ? ORDER BY signed_at",
      )
      .all(stream, sequence.toString(), configDigest.toLowerCase()) as Row[];
    return rows.map(toRecord);
  }

  /**
   * Return the stored signature for the same report (idempotent), refuse a different payload, or sign
   * with `sign` (synchronous, so nothing interleaves between the check and the write) and persist
   * before returning.
   */
  signOnce(key: SignKey, sign: () => string, now: number): { record: SignedRecord; fresh: boolean } {
    const existing = this.find(key.stream, key.sequence, key.configDigest);
    const conflicting = existing.find((r) => r.payloadHash !== key.payloadHash.toLowerCase());
    if (conflicting) throw new EquivocationRefused(conflicting);
    const same = existing.find((r) => r.digest === key.digest.toLowerCase());
    if (same) return { record: same, fresh: false };
    const record: SignedRecord = {
      stream: key.stream,
      sequence: key.sequence,
      configDigest: key.configDigest.toLowerCase(),
      payloadHash: key.payloadHash.toLowerCase(),
      digest: key.digest.toLowerCase(),
      reportJson: key.reportJson,
      signature: sign(),
      signedAt: now,
    };
    this.db
      .prepare(
        "INSERT INTO signed (stream, sequence, config_digest, payload_hash, digest, report_json, signature, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(
        record.stream,
        record.sequence.toString(),
        record.configDigest,
        record.payloadHash,
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

import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, writeSync } from "node:fs";
import { DevChainError } from "./DevChainError.js";

export const JOURNAL_VERSION = 1;

/** First line: the chain the journal was taken from. A replay needs an identical genesis. */
export interface JournalHeader {
  readonly kind: "header";
  readonly version: typeof JOURNAL_VERSION;
  readonly chainId: number;
  /** Genesis block timestamp (unix seconds): the chain is started with it pinned. */
  readonly genesisTime: number;
  readonly genesisStateRoot: string;
}

/** One mined block: its time, its signed transactions in order, and the state root it reached. */
export interface JournalBlock {
  readonly kind: "block";
  readonly number: number;
  readonly timestamp: number;
  readonly stateRoot: string;
  /** Signed raw transactions, in block order. */
  readonly txs: readonly string[];
}

/** A state-setting call that mines nothing (e.g. `hardhat_setBalance`), after block `afterBlock`. */
export interface JournalOp {
  readonly kind: "op";
  readonly afterBlock: number;
  readonly method: string;
  readonly params: readonly unknown[];
}

export type JournalEntry = JournalBlock | JournalOp;

export interface JournalContents {
  readonly header: JournalHeader;
  readonly entries: readonly JournalEntry[];
  /** Last block journaled (0 = genesis only). */
  readonly lastBlock: number;
  /**
   * A torn last line was dropped: the writer died mid-append, before the request it journals was
   * answered, so no client saw its effect.
   */
  readonly tornTail: boolean;
  /** Byte length of the intact part of the file. */
  readonly intactBytes: number;
}

const bad = (path: string, line: number, why: string) =>
  new DevChainError(`chain journal ${path} line ${line}: ${why}`, {
    hint: "the journal is damaged; start a fresh local system (npm start -- --fresh)",
  });

/** Reads and checks a journal: header first, consecutive block numbers, ops in block order. */
export function readJournal(path: string): JournalContents {
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n");
  // Everything before the last "\n" was written whole; what follows it is a torn append, if any.
  const tail = lines.pop()!;
  let tornTail = tail.length > 0;
  let intactBytes = Buffer.byteLength(text) - Buffer.byteLength(tail);
  const entries: JournalEntry[] = [];
  let header: JournalHeader | undefined;
  let lastBlock = 0;
  for (const [i, line] of lines.entries()) {
    let v: Record<string, unknown>;
    try {
      v = JSON.parse(line) as Record<string, unknown>;
    } catch {
      // A line that does not parse is only tolerable as the very last one written.
      if (i === lines.length - 1) {
        tornTail = true;
        intactBytes -= Buffer.byteLength(line) + 1;
        break;
      }
      throw bad(path, i + 1, "not JSON");
    }
    if (i === 0) {
      if (v.kind !== "header") throw bad(path, 1, "the first line is not a journal header");
      if (v.version !== JOURNAL_VERSION)
        throw bad(path, 1, `version ${String(v.version)}, this code reads version ${JOURNAL_VERSION}`);
      if (
        typeof v.chainId !== "number" ||
        typeof v.genesisTime !== "number" ||
        typeof v.genesisStateRoot !== "string"
      )
        throw bad(path, 1, "header lacks chainId, genesisTime or genesisStateRoot");
      header = v as unknown as JournalHeader;
      continue;
    }
    if (v.kind === "block") {
      if (v.number !== lastBlock + 1)
        throw bad(path, i + 1, `block ${String(v.number)} follows block ${lastBlock}`);
      if (typeof v.timestamp !== "number" || typeof v.stateRoot !== "string" || !Array.isArray(v.txs))
        throw bad(path, i + 1, "block lacks timestamp, stateRoot or txs");
      lastBlock = v.number;
      entries.push(v as unknown as JournalBlock);
    } else if (v.kind === "op") {
      if (v.afterBlock !== lastBlock)
        throw bad(path, i + 1, `op after block ${String(v.afterBlock)} out of order`);
      if (typeof v.method !== "string" || !Array.isArray(v.params))
        throw bad(path, i + 1, "op lacks method or params");
      entries.push(v as unknown as JournalOp);
    } else throw bad(path, i + 1, `unknown entry kind ${String(v.kind)}`);
  }
  if (!header) throw bad(path, 1, "no header (empty journal)");
  return { header, entries, lastBlock, tornTail, intactBytes };
}

/**
 * The append-only journal of a local chain (JSON lines). Every append is fsynced before it
 * returns, so whatever a client was told has happened is on disk.
 */
export class ChainJournal {
  private closed = false;

  private position = 0;

  private constructor(
    readonly path: string,
    readonly header: JournalHeader,
    private readonly fd: number,
    private last: number,
  ) {}

  /** Starts a new journal; refuses to overwrite one. */
  static create(path: string, header: Omit<JournalHeader, "kind" | "version">): ChainJournal {
    if (existsSync(path))
      throw new DevChainError(`chain journal ${path} already exists`, {
        hint: "resume it (open) or remove it to start a new chain",
      });
    const full: JournalHeader = { kind: "header", version: JOURNAL_VERSION, ...header };
    const fd = openSync(path, "wx");
    const journal = new ChainJournal(path, full, fd, 0);
    journal.write(full);
    return journal;
  }

  /** Opens an existing journal for appending, dropping a torn last line. */
  static open(path: string): { journal: ChainJournal; contents: JournalContents } {
    const contents = readJournal(path);
    const fd = openSync(path, "r+");
    if (contents.tornTail) ftruncateSync(fd, contents.intactBytes);
    const journal = new ChainJournal(path, contents.header, fd, contents.lastBlock);
    journal.position = contents.intactBytes;
    return { journal, contents };
  }

  /** Last block journaled. */
  get lastBlock(): number {
    return this.last;
  }

  appendBlock(block: Omit<JournalBlock, "kind">): void {
    if (block.number !== this.last + 1)
      throw new DevChainError(`journal expects block ${this.last + 1}, got ${block.number}`);
    this.write({ kind: "block", ...block });
    this.last = block.number;
  }

  appendOp(method: string, params: readonly unknown[]): void {
    this.write({ kind: "op", afterBlock: this.last, method, params });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }

  private write(entry: JournalHeader | JournalEntry): void {
    if (this.closed) throw new DevChainError(`chain journal ${this.path} is closed`);
    const bytes = Buffer.from(JSON.stringify(entry) + "\n");
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off, this.position + off);
    this.position += bytes.length;
    fsyncSync(this.fd);
  }
}

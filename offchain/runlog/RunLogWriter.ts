import { appendFileSync, existsSync, readFileSync } from "node:fs";
import type { Decision, RunLogRecord } from "../types/decision.js";
import { RunLogError } from "../engine/errors.js";
import { canonicalJson } from "./canonicalJson.js";
import { hashRecord } from "./hashRecord.js";
import { GENESIS_HASH } from "./RunLogAmendment.js";
import type { RunLogAmendment } from "./RunLogAmendment.js";
import { verifyRunLog } from "./verifyRunLog.js";

export type RunLogLine = RunLogRecord | RunLogAmendment;

/**
 * Append-only writer of `run_log.jsonl`: one canonical-JSON line per decision, each chained to the
 * previous line by keccak256; realised returns arrive later as chained amendment lines. With a
 * `path`, every line is appended to the file as it is produced (never rewritten); without one the
 * log lives in memory (`text()`), which is what backtests use before writing their run directory.
 *
 * @example
 * const log = RunLogWriter.open("runs/x/run_log.jsonl");
 * const rec = log.appendDecision(decision);
 * log.amend(rec.hash, 0.012, decision.timestamp + 86_400_000);
 */
export class RunLogWriter {
  private head: string;
  private readonly buffer: string[] = [];
  private readonly decisions = new Map<string, boolean>();

  private constructor(
    private readonly path: string | undefined,
    head: string,
  ) {
    this.head = head;
  }

  /** In-memory log starting from the genesis hash. */
  static inMemory(): RunLogWriter {
    return new RunLogWriter(undefined, GENESIS_HASH);
  }

  /** Continues the chain of an existing file (verified first) or starts a new one. */
  static open(path: string): RunLogWriter {
    if (!existsSync(path)) return new RunLogWriter(path, GENESIS_HASH);
    const report = verifyRunLog(readFileSync(path, "utf8"));
    if (!report.ok)
      throw new RunLogError(
        `${path} fails verification at line ${report.firstBadLine}: ${report.reason}; refusing to append`,
        { hint: "move the damaged log aside and start a new run directory" },
      );
    const writer = new RunLogWriter(path, report.head);
    for (const line of report.lines) {
      if ("kind" in line && line.kind === "amendment") writer.decisions.set(line.amends, true);
      else writer.decisions.set(line.hash, false);
    }
    return writer;
  }

  /** Hash of the last line (the genesis hash when empty). */
  get headHash(): string {
    return this.head;
  }

  /** Hashes of decisions not yet amended, oldest first. */
  unamended(): string[] {
    return [...this.decisions].filter(([, done]) => !done).map(([h]) => h);
  }

  appendDecision(decision: Decision): RunLogRecord {
    const body = { ...decision, prevHash: this.head, actualReturn: null };
    const record: RunLogRecord = { ...body, hash: hashRecord(body) };
    this.write(record);
    this.decisions.set(record.hash, false);
    return record;
  }

  /** Appends the realised return of an earlier decision. Each decision may be amended once. */
  amend(decisionHash: string, actualReturn: number, timestamp: number): RunLogAmendment {
    const state = this.decisions.get(decisionHash);
    if (state === undefined)
      throw new RunLogError(`cannot amend ${decisionHash}: no decision with that hash in this log`);
    if (state)
      throw new RunLogError(`decision ${decisionHash} already has an amendment; logs are append-only`);
    const body = {
      kind: "amendment" as const,
      amends: decisionHash,
      timestamp,
      actualReturn,
      prevHash: this.head,
    };
    const line: RunLogAmendment = { ...body, hash: hashRecord(body) };
    this.write(line);
    this.decisions.set(decisionHash, true);
    return line;
  }

  /** Every line written through this writer, newline-terminated. */
  text(): string {
    return this.buffer.join("");
  }

  private write(line: RunLogLine): void {
    const text = canonicalJson(line) + "\n";
    if (this.path) appendFileSync(this.path, text);
    this.buffer.push(text);
    this.head = line.hash;
  }
}

import type { RunLogRecord } from "../types/decision.js";
import { canonicalJson } from "./canonicalJson.js";
import { hashRecord } from "./hashRecord.js";
import { GENESIS_HASH } from "./RunLogAmendment.js";
import type { RunLogAmendment } from "./RunLogAmendment.js";

export interface RunLogVerification {
  readonly ok: boolean;
  /** 1-based line number of the first line that fails, or null. */
  readonly firstBadLine: number | null;
  readonly reason: string | null;
  /** Lines that verified (all of them when ok). */
  readonly lines: ReadonlyArray<RunLogRecord | RunLogAmendment>;
  /** Hash of the last good line. */
  readonly head: string;
  readonly decisions: number;
  readonly amendments: number;
}

export interface VerifyRunLogOptions {
  /** Head hash recorded elsewhere (run summary, chain): catches lines deleted from the end. */
  readonly expectedHead?: string;
}

const HASH = /^0x[0-9a-f]{64}$/;

/**
 * Checks a `run_log.jsonl` text line by line: canonical form, hash of each line, link to the
 * previous line, decisions carry `actualReturn: null` (realised returns come only as amendments),
 * each amendment names an earlier, not yet amended decision. Any edit, deletion, reordering or
 * insertion breaks one of these at the first touched line, which is reported. Deleting lines
 * from the end is caught only with `expectedHead`.
 *
 * @example
 * const r = verifyRunLog(readFileSync("run_log.jsonl", "utf8"));
 * if (!r.ok) console.error(`line ${r.firstBadLine}: ${r.reason}`);
 */
export function verifyRunLog(text: string, options: VerifyRunLogOptions = {}): RunLogVerification {
  const raw = text.split("\n");
  if (raw.at(-1) === "") raw.pop();
  const good: Array<RunLogRecord | RunLogAmendment> = [];
  const amended = new Map<string, boolean>();
  let head = GENESIS_HASH;
  let decisions = 0;
  let amendments = 0;
  const fail = (line: number, reason: string): RunLogVerification => ({
    ok: false,
    firstBadLine: line,
    reason,
    lines: good,
    head,
    decisions,
    amendments,
  });
  for (let i = 0; i < raw.length; i++) {
    const n = i + 1;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(raw[i]!) as Record<string, unknown>;
    } catch {
      return fail(n, "not valid JSON");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
      return fail(n, "not a JSON object");
    if (canonicalJson(parsed) !== raw[i]) return fail(n, "not in canonical form (edited by hand?)");
    if (typeof parsed.hash !== "string" || !HASH.test(parsed.hash))
      return fail(n, "missing or malformed hash");
    if (parsed.prevHash !== head)
      return fail(n, `prevHash does not link to the previous line (a line was deleted, inserted or moved)`);
    if (hashRecord(parsed) !== parsed.hash) return fail(n, "hash does not match the content (line edited)");
    if (parsed.kind === "amendment") {
      const target = parsed.amends as string;
      const state = amended.get(target);
      if (state === undefined) return fail(n, `amendment names ${target}, which is not an earlier decision`);
      if (state) return fail(n, `second amendment of ${target}`);
      if (typeof parsed.actualReturn !== "number") return fail(n, "amendment without a numeric actualReturn");
      amended.set(target, true);
      amendments++;
    } else {
      if (parsed.actualReturn !== null)
        return fail(n, "decision line has a non-null actualReturn (realised returns belong in amendments)");
      if (typeof parsed.runId !== "string" || typeof parsed.timestamp !== "number")
        return fail(n, "decision line lacks runId/timestamp");
      amended.set(parsed.hash, false);
      decisions++;
    }
    good.push(parsed as unknown as RunLogRecord | RunLogAmendment);
    head = parsed.hash;
  }
  if (options.expectedHead !== undefined && options.expectedHead !== head)
    return {
      ...fail(
        raw.length + 1,
        `log ends at ${head} but the expected head is ${options.expectedHead} (lines missing at the end?)`,
      ),
      lines: good,
    };
  return { ok: true, firstBadLine: null, reason: null, lines: good, head, decisions, amendments };
}

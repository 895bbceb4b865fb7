import { AuthError, DataError, DataInputError } from "../data/errors.js";
import { SnapshotIntegrityError } from "../engine/InputSnapshot.js";
import {
  ConfigError,
  EngineError,
  LiveSourceInBacktestError,
  MarketDataError,
  RunLogError,
} from "../engine/errors.js";
import { classifyFailure } from "../errors/classify.js";
import { SigilError } from "../errors/SigilError.js";
import { VenueAuthError } from "../execution/errors.js";
import { FeatureInputError } from "../features/errors.js";
import { ModelArtefactError, ModelInputError } from "../models/errors.js";
import { InfeasibleProblemError, OptimizerInputError, QpuAuthError } from "../optimizer/errors.js";
import { SentimentInputError } from "../sentiment/errors.js";

/** The CLI's exit codes (sysexits.h where one fits). */
export const ExitCode = {
  ok: 0,
  /** A check the command ran did not pass (verify-log found a broken chain). */
  checkFailed: 1,
  /** The command line or the configuration is wrong. */
  usage: 2,
  /** The input data is missing or malformed. */
  data: 3,
  /** A run log or snapshot does not verify: it was altered or truncated. */
  integrity: 4,
  /** EX_SOFTWARE: a bug. The stack is printed. */
  internal: 70,
  /** EX_TEMPFAIL: a venue, source or node is down or rate limiting; the same command may work later. */
  tempFail: 75,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

type ErrorClass = abstract new (...args: never[]) => Error;

/** One row of the table: errors of `when` (or, for "retryable", any retryable failure) exit `code`. */
export interface ExitRule {
  readonly when: ErrorClass | "retryable";
  readonly code: ExitCode;
  /** What to do about this kind of error, printed as the hint when the error has none of its own. */
  readonly advice: string;
}

/**
 * The one table from error classes to exit codes, first match wins (so specific classes sit
 * above their bases). Documented in the README ("Exit codes"); tests walk it.
 */
export const EXIT_RULES: readonly ExitRule[] = [
  {
    when: RunLogError,
    code: ExitCode.integrity,
    advice: "the run log does not verify; restore it or re-run",
  },
  {
    when: SnapshotIntegrityError,
    code: ExitCode.integrity,
    advice: "the snapshot does not match its hash; restore it or re-run",
  },
  { when: "retryable", code: ExitCode.tempFail, advice: "a temporary failure: run the command again later" },
  { when: ConfigError, code: ExitCode.usage, advice: "fix the command line or the config (see --help)" },
  { when: LiveSourceInBacktestError, code: ExitCode.usage, advice: "backtests only replay offline data" },
  { when: DataInputError, code: ExitCode.usage, advice: "fix the command line (see --help)" },
  { when: OptimizerInputError, code: ExitCode.usage, advice: "fix the optimizer settings" },
  { when: InfeasibleProblemError, code: ExitCode.usage, advice: "loosen the constraints (k, group limits)" },
  { when: FeatureInputError, code: ExitCode.usage, advice: "fix the feature settings or the input" },
  { when: ModelInputError, code: ExitCode.usage, advice: "fix the model settings or the input" },
  { when: SentimentInputError, code: ExitCode.usage, advice: "fix the sentiment input" },
  { when: VenueAuthError, code: ExitCode.usage, advice: "fix the API key or its permissions" },
  { when: AuthError, code: ExitCode.usage, advice: "fix the data source's API key" },
  { when: QpuAuthError, code: ExitCode.usage, advice: "refresh the QPU provider's token" },
  { when: MarketDataError, code: ExitCode.data, advice: "fix or re-ingest the data" },
  { when: ModelArtefactError, code: ExitCode.data, advice: "re-train the model (sigil train --out DIR)" },
  { when: DataError, code: ExitCode.data, advice: "check the source, the symbols and the range" },
  // Every other engine error is a problem the user can act on (an order refused, a chain journal).
  { when: EngineError, code: ExitCode.usage, advice: "see the message above" },
];

/** How the CLI reports a thrown value: the exit code and the lines for stderr. */
export interface ExitReport {
  readonly code: ExitCode;
  readonly rule: ExitRule | undefined;
  readonly lines: readonly string[];
}

/** The row of `EXIT_RULES` that `e` falls under, if any. */
export function exitRuleFor(e: unknown): ExitRule | undefined {
  return EXIT_RULES.find((r) =>
    r.when === "retryable" ? classifyFailure(e).retryable : e instanceof r.when,
  );
}

/**
 * Maps a thrown value to its exit code and stderr lines: "error: …" and "hint: …" (the error's own
 * hint, else the rule's advice), no stack, for a known class; for anything else (a bug), code 70
 * with the stack.
 *
 * @example
 * const { code, lines } = exitReportFor(e); lines.forEach(io.err); return code;
 */
export function exitReportFor(e: unknown): ExitReport {
  const rule = exitRuleFor(e);
  if (rule === undefined) {
    const stack = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
    const hint = e instanceof SigilError && e.hint ? [`hint: ${e.hint}`] : [];
    return { code: ExitCode.internal, rule, lines: [`internal error (please report): ${stack}`, ...hint] };
  }
  const message = e instanceof Error ? e.message : String(e);
  const hint = (e instanceof SigilError && e.hint) || rule.advice;
  return { code: rule.code, rule, lines: [`error: ${message}`, `hint: ${hint}`] };
}

import { SigilError } from "../errors/SigilError.js";

/**
 * Error tree for the optimizer (under `SigilError`). Callers branch on the class or on `retryable`,
 * never on message text: `OptimizerInputError` means "fix the call", `QpuRetryableError` (the only
 * retryable class) means "try again later", everything else under `QpuError` is fatal for that job.
 *
 * @example
 * try { buildProblem(input) } catch (e) { if (e instanceof OptimizerInputError) showToUser(e.message) }
 */
export class OptimizerError extends SigilError {
  override readonly name: string = "OptimizerError";
}

/** Bad arguments: NaN scores, k > n, empty universe, mismatched shapes. Fix the input. */
export class OptimizerInputError extends OptimizerError {
  override readonly name: string = "OptimizerInputError";
}

/** Constraints admit no portfolio (e.g. forced-in assets exceed k, group limits too tight). */
export class InfeasibleProblemError extends OptimizerError {
  override readonly name: string = "InfeasibleProblemError";
}

/** A problem too large for the chosen method (e.g. statevector beyond the qubit limit). */
export class ProblemTooLargeError extends OptimizerError {
  override readonly name: string = "ProblemTooLargeError";
}

/** The statevector worker threads failed to start or stopped answering; the pool is shut down. */
export class WorkerPoolError extends OptimizerError {
  override readonly name: string = "WorkerPoolError";
}

/** Base for QPU provider failures. */
export class QpuError extends OptimizerError {
  override readonly name: string = "QpuError";
}

/** Transient QPU/network failure (HTTP 429/5xx, connection reset). Safe to retry. */
export class QpuRetryableError extends QpuError {
  static override readonly retryable: boolean = true;
  override readonly name: string = "QpuRetryableError";
}

/** Credentials rejected (HTTP 401/403). Fix the token; retrying will not help. */
export class QpuAuthError extends QpuError {
  override readonly name: string = "QpuAuthError";
}

/** The job failed or was cancelled on the provider side. */
export class QpuJobFailedError extends QpuError {
  override readonly name: string = "QpuJobFailedError";
}

/** The job did not finish before the deadline; it was cancelled where possible. */
export class QpuTimeoutError extends QpuError {
  override readonly name: string = "QpuTimeoutError";
}

/** Submitting would exceed the configured cost budget; nothing was submitted. */
export class QpuBudgetExceededError extends QpuError {
  override readonly name: string = "QpuBudgetExceededError";
}

/** An option is missing its type, out of range, not finite, not an integer, or an unknown key. */
export class OptimizerConfigError extends OptimizerInputError {
  override readonly name: string = "OptimizerConfigError";
}

/**
 * The feasibility search hit its node limit before finding a portfolio or proving there is none.
 * The problem is not declared infeasible: loosen overlapping group limits or shrink the universe.
 */
export class FeasibilityUndecidedError extends ProblemTooLargeError {
  override readonly name: string = "FeasibilityUndecidedError";
}

/** A quantum run was stopped between iterations because its deadline (latency budget) passed. */
export class QuantumRunAbortedError extends OptimizerError {
  override readonly name: string = "QuantumRunAbortedError";
  /** Objective evaluations completed before the stop. */
  readonly evaluations: number;

  constructor(message: string, evaluations: number, options: { cause?: unknown } = {}) {
    super(message, { ...options, details: { evaluations } });
    this.evaluations = evaluations;
  }
}

/** One circuit to run: OpenQASM 2.0 text with a final `measure q -> c;`. */
export interface QpuCircuit {
  readonly qasm: string;
  readonly shots: number;
}

export type QpuJobState = "queued" | "running" | "completed" | "failed" | "cancelled";

export interface QpuJobStatus {
  readonly state: QpuJobState;
  /** Provider's reason for a failure or cancellation. */
  readonly reason?: string;
}

/** Measured counts for one circuit: bitstring as integer (bit i = classical bit c[i]) → count. */
export type QpuCounts = ReadonlyMap<number, number>;

/**
 * What the optimizer needs from a quantum backend. Implementations map their transport errors
 * into `QpuRetryableError` (try again), `QpuAuthError`, `QpuJobFailedError` or `QpuError`.
 */
export interface QpuProvider {
  readonly name: string;
  /** Submits one batch as one job; resolves to the provider's job id. */
  submit(circuits: readonly QpuCircuit[]): Promise<string>;
  status(jobId: string): Promise<QpuJobStatus>;
  /** Counts per circuit, in submission order; only valid once the job is completed. */
  result(jobId: string): Promise<QpuCounts[]>;
  cancel(jobId: string): Promise<void>;
  /** Cost of a batch in the provider's billing unit (e.g. QPU seconds), used against the budget. */
  estimateCost(circuits: readonly QpuCircuit[]): number;
}

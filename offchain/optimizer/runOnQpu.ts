import { OptimizerInputError, QpuBudgetExceededError, QpuJobFailedError, QpuTimeoutError } from "./errors.js";
import { isRetryable } from "../errors/classify.js";
import type { QpuCircuit, QpuCounts, QpuProvider } from "./QpuProvider.js";

export interface RunOnQpuOptions {
  /** Wall-clock limit per job from submission to result, in ms. */
  readonly timeoutMs: number;
  readonly pollIntervalMs?: number;
  /** Circuits per job (default 10). */
  readonly batchSize?: number;
  /** Total spend allowed for this call, in the provider's unit; checked before every submit. */
  readonly costBudget: number;
  /** Retries for retryable errors per request (default 3), with doubling backoff. */
  readonly retries?: number;
  readonly clock?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface RunOnQpuResult {
  readonly counts: QpuCounts[];
  readonly jobIds: string[];
  readonly cost: number;
}

/**
 * Runs circuits on a QPU provider in batches: checks the cost budget before each submission
 * (nothing is submitted that would exceed it), polls until done, cancels and throws
 * QpuTimeoutError past the deadline, retries transient errors with backoff. The clock and sleep
 * are injectable so timeouts are testable without waiting.
 *
 * @example
 * const { counts } = await runOnQpu(ibm, [{ qasm, shots: 1000 }], { timeoutMs: 600_000, costBudget: 60 });
 */
export async function runOnQpu(
  provider: QpuProvider,
  circuits: readonly QpuCircuit[],
  options: RunOnQpuOptions,
): Promise<RunOnQpuResult> {
  const batchSize = options.batchSize ?? 10;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new OptimizerInputError(`batchSize must be an integer ≥ 1, got ${batchSize}`);
  if (!(options.timeoutMs > 0))
    throw new OptimizerInputError(`timeoutMs must be > 0, got ${options.timeoutMs}`);
  const clock = options.clock ?? (() => Date.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const poll = options.pollIntervalMs ?? 2000;
  const retries = options.retries ?? 3;
  const withRetry = async <T>(what: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await what();
      } catch (e) {
        if (!isRetryable(e) || attempt >= retries) throw e;
        await sleep(poll * 2 ** attempt);
      }
    }
  };

  const batches: QpuCircuit[][] = [];
  for (let i = 0; i < circuits.length; i += batchSize) batches.push(circuits.slice(i, i + batchSize));
  let spent = 0;
  const total = batches.reduce((s, b) => s + provider.estimateCost(b), 0);
  if (total > options.costBudget)
    throw new QpuBudgetExceededError(
      `estimated cost ${total} exceeds the budget ${options.costBudget} (${provider.name}); raise the budget or send fewer shots`,
    );
  const counts: QpuCounts[] = [];
  const jobIds: string[] = [];
  for (const batch of batches) {
    const cost = provider.estimateCost(batch);
    if (spent + cost > options.costBudget)
      throw new QpuBudgetExceededError(
        `next batch would bring spend to ${spent + cost} > ${options.costBudget}`,
      );
    const start = clock();
    const jobId = await withRetry(() => provider.submit(batch));
    spent += cost;
    jobIds.push(jobId);
    for (;;) {
      const status = await withRetry(() => provider.status(jobId));
      if (status.state === "completed") break;
      if (status.state === "failed" || status.state === "cancelled")
        throw new QpuJobFailedError(`job ${jobId} ${status.state}: ${status.reason ?? "no reason given"}`);
      if (clock() - start > options.timeoutMs) {
        await provider.cancel(jobId).catch(() => undefined); // best effort: the timeout is the error to report
        throw new QpuTimeoutError(`job ${jobId} not done after ${options.timeoutMs} ms; cancelled`);
      }
      await sleep(poll);
    }
    for (const c of await withRetry(() => provider.result(jobId))) counts.push(c);
  }
  return { counts, jobIds, cost: spent };
}

import { SourceTimeoutError } from "./errors.js";

/**
 * Rejects with `SourceTimeoutError` if `promise` has not settled within `ms` of wall time.
 * Wall time on purpose: a hung socket does not care about a simulated clock.
 */
export async function withTimeout<T>(
  promise: Promise<T>,
  ms: number,
  source: string,
  what: string,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SourceTimeoutError(`${source}: ${what} gave no answer within ${ms} ms`, { source })),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

import { LiveSourceInBacktestError } from "./errors.js";

/**
 * Runs `fn` with the global `fetch` replaced by one that throws, then restores it. Backtests run
 * inside it, so a source that calls the network while claiming to be offline fails loudly instead
 * of quietly mixing live data into a replay.
 */
export async function withNetworkDisabled<T>(what: string, fn: () => Promise<T>): Promise<T> {
  const original = globalThis.fetch;
  globalThis.fetch = (async (input: unknown) => {
    throw new LiveSourceInBacktestError(
      `${what} tried to reach the network (${String(input instanceof Request ? input.url : input)})`,
      { hint: "backtests replay offline data only; load the data first with an offline source" },
    );
  }) as typeof fetch;
  try {
    return await fn();
  } finally {
    globalThis.fetch = original;
  }
}

import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The shared data directory: `SIGIL_DATA_DIR` if set, else `../shared/data` relative to the repo root.
 *
 * @example
 * join(dataDir(), "ohlcv", "1d", "BTC-USDT.csv")
 */
export function dataDir(): string {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
  return process.env.SIGIL_DATA_DIR ?? resolve(repoRoot, "../shared/data");
}

import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

/**
 * The shared market data directory: `$SIGIL_DATA_DIR` when set, else `../shared/data` relative to
 * the repository root (this file lives at `<root>/offchain/data/`).
 */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.SIGIL_DATA_DIR;
  if (override) return resolve(override);
  const repoRoot = resolve(fileURLToPath(new URL(".", import.meta.url)), "..", "..");
  return resolve(repoRoot, "..", "shared", "data");
}

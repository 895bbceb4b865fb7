import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** `../shared/data` relative to the repo root, unless `SIGIL_DATA_DIR` says otherwise. */
export function resolveDataDir(): string {
  const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
  return process.env.SIGIL_DATA_DIR ?? resolve(repoRoot, "../shared/data");
}

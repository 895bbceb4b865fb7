import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { canonicalJson } from "../../features/canonicalJson.js";
import type { ModelCard } from "./ModelCard.js";
import { renderModelCardMarkdown } from "./renderModelCardMarkdown.js";

/**
 * Writes `model-card.json` (sorted keys; a NaN metric, e.g. an IC with one asset, becomes null) and
 * `MODEL_CARD.md` into dir.
 *
 * @example
 * await writeModelCard("artefacts/lstm", buildModelCard(model, validation));
 */
export async function writeModelCard(dir: string, card: ModelCard): Promise<void> {
  await mkdir(dir, { recursive: true });
  const finite = JSON.parse(
    JSON.stringify(card, (_k, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? null : v)),
  ) as unknown;
  await writeFile(
    join(dir, "model-card.json"),
    JSON.stringify(JSON.parse(canonicalJson(finite)), null, 2) + "\n",
  );
  await writeFile(join(dir, "MODEL_CARD.md"), renderModelCardMarkdown(card));
}

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { GradientBoostingModel } from "./GradientBoostingModel.js";
import { LstmModel } from "./LstmModel.js";
import { MaMomentumModel } from "./MaMomentumModel.js";
import { ModelArtefactError } from "./errors.js";
import type { Model } from "./Model.js";

/** The model kinds an artefact directory may hold, and how to make a fresh one for training. */
export const MODEL_KINDS = {
  "ma-momentum": { load: (dir: string) => MaMomentumModel.load(dir), make: () => new MaMomentumModel() },
  lstm: { load: (dir: string) => LstmModel.load(dir), make: () => new LstmModel() },
  "gradient-boosting": {
    load: (dir: string) => GradientBoostingModel.load(dir),
    make: () => new GradientBoostingModel(),
  },
} as const satisfies Record<string, { load(dir: string): Promise<Model>; make(): Model }>;

export type ModelKind = keyof typeof MODEL_KINDS;

/**
 * Load whatever model an artefact directory holds (its `model.json` names the kind; the class's own
 * loader checks the content hash).
 *
 * @example
 * const model = await loadModel("artefacts/xgb-1d");
 */
export async function loadModel(dir: string): Promise<Model> {
  let kind: string;
  try {
    kind = (JSON.parse(await readFile(join(dir, "model.json"), "utf8")) as { kind?: unknown }).kind as string;
  } catch (cause) {
    throw new ModelArtefactError(`cannot read ${join(dir, "model.json")}; train a model into ${dir} first`, {
      cause,
    });
  }
  const entry = (MODEL_KINDS as Record<string, (typeof MODEL_KINDS)[ModelKind]>)[kind];
  if (!entry)
    throw new ModelArtefactError(`${dir} holds an unknown model kind "${kind}"`, {
      cause: `known: ${Object.keys(MODEL_KINDS).join(", ")}`,
    });
  return entry.load(dir);
}

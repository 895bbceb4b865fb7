import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { canonicalJson } from "../features/canonicalJson.js";
import { ModelArtefactError } from "./errors.js";
import { sha256Hex } from "./hashFloat64.js";
import type { ModelDescription } from "./Model.js";

/** The on-disk form of every model: `model.json` in its directory. */
export interface ModelArtefact {
  readonly kind: string;
  readonly name: string;
  readonly hyperParameters: Readonly<Record<string, unknown>>;
  readonly featuresVersion: string;
  readonly columns: readonly string[];
  readonly training: ModelDescription["training"];
  /** Model-specific learnt state; numbers only as finite JSON numbers. */
  readonly weights: unknown;
  readonly versionHash: string;
}

/**
 * Content hash of what determines predictions: kind, hyper-parameters, features version, columns
 * and weights (not the training metadata). `sha256:` + hex.
 */
export function artefactHash(a: Omit<ModelArtefact, "versionHash" | "training" | "name">): string {
  return (
    "sha256:" +
    sha256Hex(
      canonicalJson({
        kind: a.kind,
        hyperParameters: a.hyperParameters,
        featuresVersion: a.featuresVersion,
        columns: a.columns,
        weights: a.weights,
      }),
    )
  );
}

/** Writes `dir/model.json` (creating dir). */
export async function writeArtefact(dir: string, a: ModelArtefact): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "model.json"), canonicalJson(a) + "\n");
}

/** Reads `dir/model.json`, checks its kind and that its content still hashes to its versionHash. */
export async function readArtefact(dir: string, kind: string): Promise<ModelArtefact> {
  let a: ModelArtefact;
  try {
    a = JSON.parse(await readFile(join(dir, "model.json"), "utf8")) as ModelArtefact;
  } catch (cause) {
    throw new ModelArtefactError(`cannot read ${join(dir, "model.json")}; was the model saved there?`, {
      cause,
    });
  }
  if (a.kind !== kind)
    throw new ModelArtefactError(
      `${dir} holds a "${a.kind}" model, not "${kind}"; load it with its own class`,
    );
  const h = artefactHash(a);
  if (h !== a.versionHash)
    throw new ModelArtefactError(
      `${dir}: content hashes to ${h} but the artefact claims ${a.versionHash}; it was altered or corrupted, re-export it`,
    );
  return a;
}

/**
 * A model's self-description from its artefact: every model card field except the prose, which
 * is the model's own (`purpose`, `limitations`, and any hyper-parameters the artefact lacks).
 */
export function describeArtefact(
  a: ModelArtefact,
  text: {
    readonly purpose: string;
    readonly limitations: readonly string[];
    readonly extraHyperParameters?: Readonly<Record<string, unknown>>;
  },
): ModelDescription {
  return {
    name: a.name,
    kind: a.kind,
    purpose: text.purpose,
    hyperParameters: { ...a.hyperParameters, ...text.extraHyperParameters },
    featuresVersion: a.featuresVersion,
    columns: a.columns,
    training: a.training,
    limitations: text.limitations,
    versionHash: a.versionHash,
  };
}

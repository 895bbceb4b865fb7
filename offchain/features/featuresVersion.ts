import { createHash } from "node:crypto";
import { canonicalJson } from "./canonicalJson.js";
import { FEATURE_SET } from "./featureSet.js";

/**
 * Version of the standard feature set: `f<revision>-<first 16 hex of sha256(canonical JSON of
 * FEATURE_SET)>`. Callers record it with every decision and model artefact; a model trained on
 * another version must not be fed these features.
 *
 * @example
 * FEATURES_VERSION // "f1-…"
 */
export const FEATURES_VERSION: string = `f${FEATURE_SET.revision}-${createHash("sha256")
  .update(canonicalJson(FEATURE_SET))
  .digest("hex")
  .slice(0, 16)}`;
